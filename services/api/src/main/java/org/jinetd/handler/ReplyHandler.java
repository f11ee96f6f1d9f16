package org.jinetd.handler;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A stream handler whose whole answer is known the moment the connection is accepted, and
 * which reads nothing: daytime, time, a greeting. jinetd calls {@link #reply} on the
 * listener's own thread, sends what fits in the socket at once, and closes the connection,
 * with no thread for the connection at all, as inetd serves its internal daytime inside its
 * loop. A reply larger than the socket takes at once is finished on a virtual thread.
 *
 * <p>A provider declares one with {@link HandlerProvider#reply}; that, not the way the
 * handler is written, is what gets it answered at accept. One returned from
 * {@link HandlerProvider#stream} is served as any stream handler, through {@link #handle} on a
 * virtual thread.
 *
 * <p>{@link #reply} must not block and must not use the connection's channel: while it runs,
 * its listener accepts nothing. Where jinetd cannot answer at once (a {@code banner} or
 * {@code rate_per_source} comes first), it calls {@link #handle} on a virtual thread instead,
 * which sends the same reply.
 */
@FunctionalInterface
public interface ReplyHandler extends StreamHandler {
    /**
     * The bytes to send, from position to limit. jinetd consumes the buffer, perhaps later
     * and on another thread: return a buffer of this call's own (a fresh one, or a fresh
     * read-only view of bytes that never change).
     *
     * @param connection the client's connection, for its addresses only
     * @return the reply
     */
    ByteBuffer reply(Connection connection);

    @Override
    default void handle(Connection connection) throws IOException {
        var bytes = reply(connection);
        while (bytes.hasRemaining()) {
            connection.channel().write(bytes);
        }
    }
}
