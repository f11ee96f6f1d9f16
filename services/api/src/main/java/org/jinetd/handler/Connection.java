package org.jinetd.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.util.Optional;

/**
 * One accepted stream connection, as a handler sees it. An interface rather than a record,
 * so that it can grow without breaking handlers.
 */
public interface Connection {
    /** {@return the connection, in blocking mode} Closing it ends the connection early. */
    ByteChannel channel();

    /** {@return the client's address} IPv4 clients of an IPv6 listener appear as IPv4. */
    SocketAddress peer();

    /** {@return the address the client connected to} */
    SocketAddress local();

    /** {@return the name of the service in the table} */
    String service();

    /**
     * Closes the writing side only (TCP FIN), so the client sees end-of-stream while the
     * handler can still read.
     *
     * @throws IOException if the connection is already closed or broken
     */
    void shutdownOutput() throws IOException;

    /** {@return the client's process, user and group, for unix-domain sockets; empty for TCP} */
    default Optional<PeerCredentials> credentials() {
        return Optional.empty();
    }

    /**
     * {@return the load balancer the client came through, where the service takes the PROXY
     * protocol ({@code proxy:}) and the balancer's header named the client; empty otherwise}
     * {@link #peer()} is then the client the header named.
     *
     * @since 0.2
     */
    default Optional<InetSocketAddress> via() {
        return Optional.empty();
    }

    /**
     * {@return what the connection's TLS handshake agreed on, where the service has
     * {@code tls:}; empty for a plain connection} The daemon did the handshake: {@link #channel()}
     * carries plaintext.
     *
     * @since 0.2
     */
    default Optional<TlsSession> tls() {
        return Optional.empty();
    }
}
