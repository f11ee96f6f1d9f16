package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.nio.channels.Channel;

/**
 * Waits, on a platform thread, until a socket has something to read, without reading it:
 * how a wait-mode listener learns that a client is there for its program. The socket stays
 * in blocking mode, as the program that gets it expects. {@link #close} wakes the waiter.
 */
public final class Readiness implements AutoCloseable {
    private final int fd;
    private final int wakeup;
    private volatile boolean closed;

    public Readiness(Channel channel) throws java.io.IOException {
        this.fd = Fds.of(channel);
        try {
            this.wakeup = Descriptors.eventfd();
        } catch (Libc.Failure e) {
            throw new java.io.IOException(e.getMessage(), e);
        }
    }

    /** Blocks until the socket is readable (true) or this is closed (false). */
    public boolean await() {
        try (var arena = Arena.ofConfined()) {
            var fds = arena.allocate(16, 8);
            while (!closed) {
                fds.set(JAVA_INT, 0, fd);
                fds.set(JAVA_SHORT, 4, Descriptors.POLLIN);
                fds.set(JAVA_SHORT, 6, (short) 0);
                fds.set(JAVA_INT, 8, wakeup);
                fds.set(JAVA_SHORT, 12, Descriptors.POLLIN);
                fds.set(JAVA_SHORT, 14, (short) 0);
                try {
                    Descriptors.poll(fds, 2, -1);
                } catch (Libc.Failure e) {
                    if (e.errno == Libc.EINTR) {
                        continue;
                    }
                    return false;
                }
                if (closed || fds.get(JAVA_SHORT, 14) != 0) {
                    return false;
                }
                if (fds.get(JAVA_SHORT, 6) != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Frees the wake-up descriptor; called by the waiting thread once it waits no more. */
    public void dispose() {
        try {
            Libc.close(wakeup);
        } catch (Libc.Failure e) {
            // Already closed: nothing to free.
        }
    }

    @Override
    public void close() {
        closed = true;
        try (var arena = Arena.ofConfined()) {
            var one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            Descriptors.write(wakeup, one, 8);
        } catch (Libc.Failure e) {
            // The waiter will see `closed` at its next wake-up.
        }
    }
}
