package org.jinetd.daemon.control;

import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.jinetd.daemon.log.ConnectionLog;

/**
 * Gives memory back after a busy spell. Under load the serial collector grows the heap
 * (buffers of connections that lived through a young collection are promoted, and the old
 * generation grows rather than being collected), and it shrinks the heap only at a full
 * collection, which an idle daemon never reaches by itself. So once the heap has grown
 * and a whole {@link #PERIOD} has passed with no connection ended or refused, one full
 * collection runs; the JVM then hands the free heap back (MaxHeapFreeRatio), and the C
 * library's free memory follows within seconds (TrimNativeHeapInterval).
 *
 * <p>An inetd waits far more than it works, and a look that finds nothing happened and
 * nothing to give back is a wake-up for nothing: the looks then thin out, each twice as far
 * from the last, to one every {@link #LONGEST}, and the first look that finds something
 * happened brings them back to {@link #PERIOD}.
 */
public final class IdleHeap implements AutoCloseable {
    static final Duration PERIOD = Duration.ofSeconds(5);
    static final Duration LONGEST = Duration.ofSeconds(60);
    /** Below this the heap is left as it is: the daemon starts at 8 MB. */
    static final long GROWN = 32L << 20;

    private final Thread thread;

    public IdleHeap(LongSupplier events, ConnectionLog log) {
        this(events, Runtime.getRuntime()::totalMemory, PERIOD, LONGEST, Thread::sleep, before -> {
            System.gc();
            log.note("heap: %d MiB and quiet for %ds; collected, %d MiB now".formatted(before >> 20,
                    PERIOD.toSeconds(), Runtime.getRuntime().totalMemory() >> 20));
        });
    }

    /** How the thread waits between looks. */
    @FunctionalInterface
    interface Sleep {
        void sleep(Duration time) throws InterruptedException;
    }

    /**
     * @param events    a count that changes whenever anything happens (connections, datagrams, refusals)
     * @param committed the heap's size now
     * @param period    the quiet spell after which a grown heap is collected
     * @param longest   the farthest apart looks get while nothing happens
     * @param collect   collects, given the heap's size before
     */
    IdleHeap(LongSupplier events, LongSupplier committed, Duration period, Duration longest, Sleep sleep,
             LongConsumer collect) {
        thread = Thread.ofVirtual().name("idle-heap").start(() -> run(events, committed, period, longest, sleep,
                collect));
    }

    private static void run(LongSupplier events, LongSupplier committed, Duration period, Duration longest,
                            Sleep sleep, LongConsumer collect) {
        long seen = events.getAsLong();
        long floor = GROWN;
        var next = period;
        while (true) {
            try {
                sleep.sleep(next);
            } catch (InterruptedException e) {
                return;
            }
            long now = events.getAsLong();
            long size = committed.getAsLong();
            if (now == seen && size > floor) {
                collect.accept(size);
                // A heap that stays large holds live data: collect it again only if it grows to twice that.
                floor = Math.max(GROWN, 2 * committed.getAsLong());
            } else {
                // A heap that has shrunk since (a collection under load) lowers the bar with it.
                floor = Math.max(GROWN, Math.min(floor, 2 * size));
            }
            // Quiet: the heap can grow only with work, which the next look will see, however late.
            next = now == seen ? min(next.multipliedBy(2), longest) : period;
            seen = now;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
