package org.jinetd.daemon.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one timer of every connection's deadlines: what is due runs, what is cancelled never does. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeadlinesTest {
    @Test
    void aDeadlineThatIsDueRunsOnAVirtualThread() throws Exception {
        var ran = new CountDownLatch(1);
        var virtual = new boolean[1];
        Deadlines.after(Duration.ofMillis(20), () -> {
            virtual[0] = Thread.currentThread().isVirtual();
            ran.countDown();
        });
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the deadline never ran");
        assertTrue(virtual[0], "ran on the timer's own thread");
    }

    /**
     * A task that never returns (a close that hangs, a signal sent to a stuck spawner) holds
     * its own virtual thread only: every deadline after it still runs.
     */
    @Test
    void aTaskThatNeverReturnsHoldsNoDeadlineAfterIt() throws Exception {
        var forever = new CountDownLatch(1);
        var stuck = new CountDownLatch(1);
        try {
            Deadlines.after(Duration.ZERO, () -> {
                stuck.countDown();
                try {
                    forever.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(stuck.await(10, TimeUnit.SECONDS), "the first deadline never ran");
            var later = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                Deadlines.after(Duration.ofMillis(i), later::countDown);
            }
            assertTrue(later.await(10, TimeUnit.SECONDS), later.getCount() + " of 20 deadlines never ran");
        } finally {
            forever.countDown();
        }
    }

    /** A flood of connections that end in time: none of their deadlines runs, and one due after theirs still does. */
    @Test
    void cancelledDeadlinesNeverRun() throws Exception {
        var ran = new AtomicInteger();
        var futures = new ArrayList<Future<?>>();
        for (int i = 0; i < 50_000; i++) {
            futures.add(Deadlines.after(Duration.ofSeconds(2), ran::incrementAndGet));
        }
        futures.forEach(f -> assertTrue(f.cancel(false)));
        var after = new CountDownLatch(1);
        Deadlines.after(Duration.ofSeconds(3), after::countDown);
        assertTrue(after.await(10, TimeUnit.SECONDS), "the deadline after the flood never ran");
        assertEquals(0, ran.get(), "cancelled deadlines ran");
        assertFalse(futures.stream().anyMatch(f -> !f.isCancelled()));
    }
}
