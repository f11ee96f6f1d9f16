package org.jinetd.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When the heap is collected: only after a quiet period, only when it has grown, and not over and over. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleHeapTest {
    private static final long MIB = 1 << 20;

    private volatile boolean busy = true;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong committed = new AtomicLong(100 * MIB);
    /** What a collection leaves the heap at; 0: it stays as it was (live data). */
    private final AtomicLong after = new AtomicLong(10 * MIB);
    private final List<Long> collected = new CopyOnWriteArrayList<>();
    private final Semaphore checks = new Semaphore(0);
    private final Semaphore collections = new Semaphore(0);

    @Test
    void collectsOnceAQuietPeriodFollowsGrowthAndOnlyAgainWhenTheHeapGrowsFurther() throws Exception {
        try (var heap = new IdleHeap(this::events, committed::get, Duration.ofMillis(20), Duration.ofMillis(80),
                Thread::sleep, this::collect)) {
            // Something happens in every period: never collected, however large the heap.
            awaitChecks(5);
            assertEquals(List.of(), collected);

            busy = false;
            awaitCollection();
            assertEquals(List.of(100 * MIB), collected);

            // Quiet, and back to 10 MiB: nothing more to give back.
            awaitChecks(5);
            assertEquals(1, collected.size());

            // Grown past 32 MiB again, but live data: collected once, then left until it doubles.
            after.set(0);
            committed.set(40 * MIB);
            awaitCollection();
            awaitChecks(5);
            assertEquals(List.of(100 * MIB, 40 * MIB), collected);
            committed.set(81 * MIB);
            awaitCollection();
            assertEquals(List.of(100 * MIB, 40 * MIB, 81 * MIB), collected);

            // The heap shrinks by itself later (a collection under load): the bar comes down with it.
            committed.set(20 * MIB);
            awaitChecks(3);
            committed.set(45 * MIB);
            awaitCollection();
            assertEquals(List.of(100 * MIB, 40 * MIB, 81 * MIB, 45 * MIB), collected);
        }
    }

    @Test
    void whileNothingHappensTheLooksThinOutAndTheFirstThatSeesWorkBringsThemBack() throws Exception {
        var work = new AtomicLong();
        var sleeps = new CopyOnWriteArrayList<Long>();
        var done = new Semaphore(0);
        // The waits are recorded, not slept; work comes during the seventh.
        IdleHeap.Sleep sleep = d -> {
            sleeps.add(d.toMillis());
            if (sleeps.size() == 7) {
                work.incrementAndGet();
            }
            if (sleeps.size() == 11) {
                done.release();
                Thread.sleep(Duration.ofHours(1));
            }
        };
        try (var heap = new IdleHeap(work::get, () -> 10 * MIB, Duration.ofMillis(5), Duration.ofMillis(40), sleep,
                this::collect)) {
            assertTrue(done.tryAcquire(10, TimeUnit.SECONDS), "looks so far: " + sleeps);
            assertEquals(List.of(5L, 10L, 20L, 40L, 40L, 40L, 40L, 5L, 10L, 20L, 40L), sleeps);
            assertEquals(List.of(), collected);
        }
    }

    private long events() {
        checks.release();
        return busy ? events.incrementAndGet() : events.get();
    }

    private void collect(long before) {
        collected.add(before);
        if (after.get() > 0) {
            committed.set(after.get());
        }
        collections.release();
    }

    private void awaitChecks(int n) throws InterruptedException {
        checks.drainPermits();
        assertTrue(checks.tryAcquire(n, 10, TimeUnit.SECONDS), "the heap was not checked");
    }

    private void awaitCollection() throws InterruptedException {
        assertTrue(collections.tryAcquire(10, TimeUnit.SECONDS), "no collection; collected so far: " + collected);
    }
}
