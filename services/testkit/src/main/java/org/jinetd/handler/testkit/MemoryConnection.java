package org.jinetd.handler.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.handler.Connection;
import org.jinetd.handler.PeerCredentials;
import org.jinetd.handler.TlsSession;

/**
 * A {@link Connection} in memory, for a unit test that needs no socket: the client's bytes
 * are given up front, and what the handler writes is kept.
 * {@snippet :
 * var connection = MemoryConnection.of("hello\n");
 * new Reverse("!").handle(connection);
 * assertEquals("olleh!\n", connection.writtenText());
 * }
 *
 * <p>Its channel behaves as a socket's does once the client has sent everything and
 * half-closed: reads return the input, then -1 (never 0 while the buffer has room); writes
 * are kept whole; after {@link #shutdownOutput()} a write throws
 * {@link ClosedChannelException}, and after {@code close()} every call does. Unless set, the
 * peer is {@code 127.0.0.1:50000}, the local address {@code 127.0.0.1:7000}, the service
 * {@code test}, and there are no credentials (as for TCP), no balancer and no TLS.
 *
 * <p>It is safe to use from several threads.
 */
public final class MemoryConnection implements Connection {
    private final byte[] input;
    private final MemoryChannel channel = new MemoryChannel();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private SocketAddress peer = new InetSocketAddress(Listener.LOOPBACK, 50_000);
    private SocketAddress local = new InetSocketAddress(Listener.LOOPBACK, 7_000);
    private String service = "test";
    private PeerCredentials credentials;
    private InetSocketAddress via;
    private TlsSession tls;
    private int mostPerRead = Integer.MAX_VALUE;
    private int position;
    private boolean outputShutdown;
    private boolean closed;

    private MemoryConnection(byte[] input) {
        this.input = input.clone();
    }

    /**
     * A connection whose client sends {@code input} in UTF-8, then half-closes.
     *
     * @param input what the handler reads
     * @return the connection
     */
    public static MemoryConnection of(String input) {
        return of(input.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A connection whose client sends {@code input}, then half-closes.
     *
     * @param input what the handler reads (copied)
     * @return the connection
     */
    public static MemoryConnection of(byte[] input) {
        return new MemoryConnection(Objects.requireNonNull(input, "input"));
    }

    /**
     * Sets the client's address.
     *
     * @param peer what {@link #peer()} returns
     * @return this connection
     */
    public synchronized MemoryConnection peer(SocketAddress peer) {
        this.peer = Objects.requireNonNull(peer, "peer");
        return this;
    }

    /**
     * Sets the address the client connected to.
     *
     * @param local what {@link #local()} returns
     * @return this connection
     */
    public synchronized MemoryConnection local(SocketAddress local) {
        this.local = Objects.requireNonNull(local, "local");
        return this;
    }

    /**
     * Sets the service's name.
     *
     * @param service what {@link #service()} returns
     * @return this connection
     */
    public synchronized MemoryConnection service(String service) {
        this.service = Objects.requireNonNull(service, "service");
        return this;
    }

    /**
     * Makes it a unix-domain connection from the process {@code credentials} names.
     *
     * @param credentials what {@link #credentials()} returns
     * @return this connection
     */
    public synchronized MemoryConnection credentials(PeerCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        return this;
    }

    /**
     * Makes it a connection that came through a load balancer, whose PROXY header named
     * {@link #peer()} as the client.
     *
     * @param via what {@link #via()} returns: the balancer
     * @return this connection
     * @since 0.2
     */
    public synchronized MemoryConnection via(InetSocketAddress via) {
        this.via = Objects.requireNonNull(via, "via");
        return this;
    }

    /**
     * Makes it a connection the daemon secured with TLS: the channel still carries plaintext,
     * as the daemon's does.
     *
     * @param tls what {@link #tls()} returns: what the handshake agreed on
     * @return this connection
     * @since 0.2
     */
    public synchronized MemoryConnection tls(TlsSession tls) {
        this.tls = Objects.requireNonNull(tls, "tls");
        return this;
    }

    /**
     * Makes each read return at most {@code bytes} bytes, as TCP may: a handler that assumes
     * one read brings a whole request shows it here.
     *
     * @param bytes the most one read returns, at least 1
     * @return this connection
     */
    public synchronized MemoryConnection mostPerRead(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("mostPerRead must be at least 1: " + bytes);
        }
        this.mostPerRead = bytes;
        return this;
    }

    @Override
    public ByteChannel channel() {
        return channel;
    }

    @Override
    public synchronized SocketAddress peer() {
        return peer;
    }

    @Override
    public synchronized SocketAddress local() {
        return local;
    }

    @Override
    public synchronized String service() {
        return service;
    }

    @Override
    public synchronized Optional<PeerCredentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    @Override
    public synchronized Optional<InetSocketAddress> via() {
        return Optional.ofNullable(via);
    }

    @Override
    public synchronized Optional<TlsSession> tls() {
        return Optional.ofNullable(tls);
    }

    /**
     * Shuts the writing side, as a socket's {@code shutdownOutput} does: later writes fail.
     *
     * @throws ClosedChannelException if the channel is closed
     */
    @Override
    public synchronized void shutdownOutput() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        outputShutdown = true;
    }

    /** {@return everything the handler wrote} */
    public synchronized byte[] written() {
        return written.toByteArray();
    }

    /** {@return everything the handler wrote, in UTF-8} */
    public synchronized String writtenText() {
        return written.toString(StandardCharsets.UTF_8);
    }

    /** {@return whether the handler shut the output down} */
    public synchronized boolean isOutputShutdown() {
        return outputShutdown;
    }

    /** {@return whether the handler closed the channel} */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** The connection's bytes, with one lock for the connection and its channel. */
    private final class MemoryChannel implements ByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            synchronized (MemoryConnection.this) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                if (position == input.length) {
                    return -1;
                }
                int n = Math.min(Math.min(dst.remaining(), mostPerRead), input.length - position);
                dst.put(input, position, n);
                position += n;
                return n;
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            synchronized (MemoryConnection.this) {
                if (closed || outputShutdown) {
                    throw new ClosedChannelException();
                }
                int n = src.remaining();
                if (src.hasArray()) {
                    written.write(src.array(), src.arrayOffset() + src.position(), n);
                    src.position(src.limit());
                } else {
                    var bytes = new byte[n];
                    src.get(bytes);
                    written.writeBytes(bytes);
                }
                return n;
            }
        }

        @Override
        public boolean isOpen() {
            synchronized (MemoryConnection.this) {
                return !closed;
            }
        }

        @Override
        public void close() {
            synchronized (MemoryConnection.this) {
                closed = true;
            }
        }
    }
}
