package org.jinetd.daemon.launch.program;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A program started for a connection, until it has ended.
 *
 * @param pid   its pid, as the log shows it (for a program of a spawner, what the spawner said)
 * @param watch the reaper's watch over it
 * @param end   ends it: SIGTERM to its process group, SIGKILL after the grace to what is left
 */
public record Program(int pid, Watch watch, End end) {
    /**
     * Completes when it has ended and its stderr is read; exceptionally when its spawner ended
     * first (and took it with it).
     */
    public CompletableFuture<Exit> exit() {
        return watch.exit;
    }

    /**
     * Runs {@code action} on the reaper's thread the moment the program's end is seen, before
     * its stderr is read to the end and it is reaped and {@link #exit} completes; at once
     * where it has ended already.
     */
    public void atEnd(Runnable action) {
        watch.atEnd(action);
    }

    /** How a program is ended: by the daemon ({@link Termination}), or by its spawner when asked. */
    @FunctionalInterface
    public interface End {
        /** Completes, true if any process got SIGTERM, once it is sent (by a spawner, when it says so). */
        CompletableFuture<Boolean> begin(Duration grace);
    }

    public Exit await() {
        return watch.exit.join();
    }
}
