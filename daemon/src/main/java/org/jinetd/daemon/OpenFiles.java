package org.jinetd.daemon;

import java.util.Optional;

/** The descriptors a daemon may open, looked at before it serves: what its table may need, and the JDK's poller set up while there are some. */
final class OpenFiles {
    private OpenFiles() {}

    /**
     * A warning when {@code max_connections} asks for more descriptors than the process
     * may come to open ({@code limit}, {@link org.jinetd.daemon.os.Processes#UNLIMITED} for
     * no limit): a program's connection takes about two (socket, stderr pipe) while it is
     * being spawned, a handler's one, and the daemon needs some of its own.
     */
    static Optional<String> descriptorsFor(int maxConnections, long limit) {
        if (limit == org.jinetd.daemon.os.Processes.UNLIMITED || maxConnections == org.jinetd.daemon.config.Limits.UNLIMITED
                || 2L * maxConnections + 64 <= limit) {
            return Optional.empty();
        }
        return Optional.of("max_connections %d may need up to %d descriptors, and this process may open %d: "
                .formatted(maxConnections, 2L * maxConnections + 64, limit)
                + "past that, listeners back off until descriptors are free (raise LimitNOFILE= or lower "
                + "max_connections)");
    }

    /**
     * The JDK sets up the poller that parks virtual threads on sockets the first time one
     * parks, and that needs descriptors: were the first time a moment when the table is full
     * (EMFILE), the JDK would fail it for good. So it is set up now.
     */
    static void warmPoller() {
        try {
            Class.forName("sun.nio.ch.Poller", true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            // Another JDK, another way of parking: nothing to warm.
        }
    }
}
