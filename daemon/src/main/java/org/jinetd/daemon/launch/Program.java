package org.jinetd.daemon.launch;

import java.util.concurrent.CompletableFuture;

/**
 * A program started for a connection, until it has ended.
 *
 * @param pid   its pid, as the log shows it (for a program of a spawner, what the spawner said)
 * @param exit  completes when it has ended and its stderr is read; exceptionally when its
 *              spawner ended first (and took it with it)
 * @param group sends a signal to its whole process group, the way to end it
 */
record Program(int pid, CompletableFuture<Children.Exit> exit, Group group) {
    /** Signals a program's process group. */
    @FunctionalInterface
    interface Group {
        /** Completes, true if any process got it, once the signal is sent (by a spawner, when it says so). */
        CompletableFuture<Boolean> signal(int signal);
    }

    Children.Exit await() {
        return exit.join();
    }
}
