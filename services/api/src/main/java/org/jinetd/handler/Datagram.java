package org.jinetd.handler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** One datagram received, with the means to answer it. */
public interface Datagram {
    /** The bytes received, read-only, positioned at the start. */
    ByteBuffer payload();

    /** Where the datagram came from; replies go there. */
    SocketAddress peer();

    /** The address the datagram was sent to. */
    SocketAddress local();

    /** The name of the service in the table. */
    String service();

    /** Sends one datagram back to {@link #peer()} from the service's socket. */
    void reply(ByteBuffer answer) throws IOException;
}
