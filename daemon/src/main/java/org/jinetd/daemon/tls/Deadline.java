package org.jinetd.daemon.tls;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes a channel at a deadline unless the work on it ends first: a blocking read has no
 * timeout of its own, and a client that sends a byte a second must not hold a handshake
 * past it. One timer thread keeps every handshake's deadline, so that a handshake costs no
 * thread of its own; a deadline that fires closes its channel on a virtual thread, so that
 * the timer never waits on a close.
 */
final class Deadline {
    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int FIRED = 2;

    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Future<?> timer;

    private Deadline(Closeable channel, Duration after) {
        timer = Timer.EXECUTOR.schedule(() -> {
            if (state.compareAndSet(RUNNING, FIRED)) {
                Thread.ofVirtual().name("tls deadline").start(() -> closeQuietly(channel));
            }
        }, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    static Deadline start(Closeable channel, Duration after) {
        return new Deadline(channel, after);
    }

    /** The work is over: true when it ended before the deadline, false when the channel was closed for it. */
    boolean end() {
        boolean inTime = state.compareAndSet(RUNNING, ENDED);
        if (inTime) {
            timer.cancel(false);
        }
        return inTime;
    }

    /** Whether the deadline closed the channel. */
    boolean fired() {
        return state.get() == FIRED;
    }

    private static void closeQuietly(Closeable channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closed already, or as closed as it gets: the work on it fails either way.
        }
    }

    /** Made at the first handshake: a daemon without tls: has no such thread. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor EXECUTOR = executor();

        private static ScheduledThreadPoolExecutor executor() {
            var executor = new ScheduledThreadPoolExecutor(1,
                    r -> Thread.ofPlatform().name("tls-deadlines").daemon(true).unstarted(r));
            // A handshake that ends in time takes its deadline out of the queue at once: a
            // flood of short ones leaves no pile of cancelled deadlines behind.
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}
