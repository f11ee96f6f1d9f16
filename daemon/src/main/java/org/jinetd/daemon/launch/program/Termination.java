package org.jinetd.daemon.launch.program;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jinetd.daemon.os.Sessions;

/**
 * The one way a program of the daemon's own is ended, whatever ends it (a timeout, a stop, a
 * service gone): SIGTERM to its process group now; then, once it has ended, a look at what
 * it left in its session; whatever is still there when {@code kill_grace} is over gets
 * SIGKILL, the group and every process of the session. The program is held unreaped from the
 * first signal to the last ({@link Watch#hold}), so its number, and with it its group and
 * session, cannot pass to another process meanwhile: root signals only what is still the
 * program's.
 */
final class Termination {
    static final int SIGTERM = 15;
    static final int SIGKILL = 9;
    /** The first look for what is left after the program ended; each next one waits twice as long. */
    private static final long FIRST_LOOK_NANOS = 2_000_000;
    private static final long LONGEST_LOOK_NANOS = 250_000_000;

    private Termination() {}

    /**
     * Begins the end of the program of {@code watch} (once: a second call has the first's
     * answer). Completes, true if any process got SIGTERM, once it is sent; the rest goes on
     * on a thread of its own, and gives the hold back when it is done.
     */
    static CompletableFuture<Boolean> begin(Watch watch, Children children, Duration grace) {
        return watch.ending(() -> {
            if (!watch.hold()) {
                // Reaped already: nothing of it is ours to signal.
                return CompletableFuture.completedFuture(false);
            }
            boolean sent = watch.signalGroup(SIGTERM);
            try {
                Thread.ofVirtual().name("end-" + watch.pid).start(() -> {
                    try {
                        finish(watch, grace);
                    } finally {
                        children.release(watch);
                    }
                });
            } catch (OutOfMemoryError | RuntimeException e) {
                // No thread to wait on: the grace is skipped, not the end.
                finishNow(watch);
                children.release(watch);
            }
            return CompletableFuture.completedFuture(sent);
        });
    }

    /** Waits for the program and what it left, up to the grace; SIGKILL to whatever is still there then. */
    private static void finish(Watch watch, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            watch.exit.get(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            finishNow(watch);
            return;
        } catch (InterruptedException e) {
            finishNow(watch);
            return;
        }
        // It has ended, and is not reaped: its session is still its own to look at.
        long look = FIRST_LOOK_NANOS;
        while (!Sessions.members(watch.pid).isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                finishNow(watch);
                return;
            }
            try {
                Thread.sleep(java.time.Duration.ofNanos(Math.min(look, left)));
            } catch (InterruptedException e) {
                finishNow(watch);
                return;
            }
            look = Math.min(2 * look, LONGEST_LOOK_NANOS);
        }
    }

    /** SIGKILL to the group, then to each process left in the session (a process group of its own it may have made). */
    private static void finishNow(Watch watch) {
        watch.signalGroup(SIGKILL);
        Sessions.kill(watch.pid, Duration.ofSeconds(1));
    }
}
