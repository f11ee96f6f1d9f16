package org.jinetd.daemon.launch.program;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.os.Libc;

/** Starts programs of other users for a root daemon: their spawners. */
public interface OtherUsers {
    /**
     * Whether the spawner of {@code exec}'s user takes a program now. When it is not running
     * yet, it is started, for the programs after this one; until it is ready, a program of that
     * user goes through setpriv, so that no client waits for a JVM to start.
     */
    boolean takesNow(Launch.Exec exec);

    /**
     * Has the spawner of {@code exec}'s user start it; the answer comes later, and may be a
     * {@link SpawnFailure}.
     *
     * @param environment the program's whole environment
     * @param fds         its descriptors 0, 1, ... (-1: /dev/null)
     * @param stderr      the read end of its stderr pipe, or -1: the reader's to close from here on
     * @param connection  the client's socket among {@code fds}, or -1: the spawner keeps it until
     *                    the program ends
     */
    CompletableFuture<Program> start(String service, Launch.Exec exec, Map<String, String> environment, int[] fds,
                                     int stderr, int connection) throws Libc.Failure;
}
