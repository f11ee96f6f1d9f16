package org.jinetd.daemon.os;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One thread that keeps every deadline of the daemon's connections (a handshake's, a
 * program's {@code timeout_max}, a quiet client's {@code timeout_idle}), so that a deadline
 * costs no thread of its own while it waits. What is due runs on a virtual thread of its own:
 * the timer never waits on a close or a signal.
 */
public final class Deadlines {
    private Deadlines() {}

    /**
     * Runs {@code task} once {@code after} has passed, unless the returned future is cancelled
     * first; a cancelled deadline leaves the queue at once, so that a flood of short
     * connections leaves no pile of them behind.
     */
    public static Future<?> after(Duration after, Runnable task) {
        return after(after.toNanos(), task);
    }

    /** {@link #after(Duration, Runnable)} in nanoseconds. */
    public static Future<?> after(long nanos, Runnable task) {
        return Timer.EXECUTOR.schedule(() -> Thread.ofVirtual().name("deadline").start(task), Math.max(0, nanos),
                TimeUnit.NANOSECONDS);
    }

    /** Made at the first deadline: a daemon that never sets one has no such thread. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor EXECUTOR = executor();

        private static ScheduledThreadPoolExecutor executor() {
            var executor = new ScheduledThreadPoolExecutor(1,
                    r -> Thread.ofPlatform().name("deadlines").daemon(true).unstarted(r));
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}
