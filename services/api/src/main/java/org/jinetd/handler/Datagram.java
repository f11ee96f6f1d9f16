package org.jinetd.handler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** One datagram received, with the means to answer it. */
public interface Datagram {
    /** {@return the bytes received, read-only, positioned at the start} */
    ByteBuffer payload();

    /** {@return where the datagram came from} Replies go there. */
    SocketAddress peer();

    /** {@return the address the datagram was sent to} */
    SocketAddress local();

    /** {@return the name of the service in the table} */
    String service();

    /**
     * Sends one datagram back to {@link #peer()} from the service's socket.
     *
     * @param answer the bytes to send, from position to limit
     * @throws IOException if it cannot be sent
     */
    void reply(ByteBuffer answer) throws IOException;
}
