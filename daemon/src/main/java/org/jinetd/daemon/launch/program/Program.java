package org.jinetd.daemon.launch.program;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A program started for a connection, until it has ended.
 *
 * @param pid  its pid, as the log shows it (for a program of a spawner, what the spawner said)
 * @param exit completes when it has ended and its stderr is read; exceptionally when its
 *             spawner ended first (and took it with it)
 * @param end  ends it: SIGTERM to its process group, SIGKILL after the grace to what is left
 */
public record Program(int pid, CompletableFuture<Exit> exit, End end) {
    /** How a program is ended: by the daemon ({@link Termination}), or by its spawner when asked. */
    @FunctionalInterface
    public interface End {
        /** Completes, true if any process got SIGTERM, once it is sent (by a spawner, when it says so). */
        CompletableFuture<Boolean> begin(Duration grace);
    }

    public Exit await() {
        return exit.join();
    }
}
