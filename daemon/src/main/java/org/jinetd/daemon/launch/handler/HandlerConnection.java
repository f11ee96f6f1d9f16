package org.jinetd.daemon.launch.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.util.Optional;
import org.jinetd.daemon.os.Credentials;
import org.jinetd.handler.Connection;
import org.jinetd.handler.PeerCredentials;
import org.jinetd.handler.TlsSession;

/** What a stream handler sees of a connection: the client as identifying it fixed it, and a channel to it. */
public final class HandlerConnection implements Connection {
    private final String service;
    private final ByteChannel channel;
    private final Shutdown shutdown;
    private final SocketAddress peer;
    private final SocketAddress local;
    private final Optional<Credentials> credentials;
    private final Optional<InetSocketAddress> via;
    private final Optional<TlsSession> tls;

    /** Closes the connection's writing side: a FIN, or, over TLS, a close_notify. */
    @FunctionalInterface
    public interface Shutdown {
        void output() throws IOException;
    }

    /**
     * @param channel     the connection as the handler uses it (watched for {@code timeout_idle})
     * @param shutdown    closes the connection's writing side, as {@link #shutdownOutput} asks
     * @param credentials a unix client's, as the daemon has them: the handler gets the API's type
     * @param via         the balancer the client came through, where a PROXY header named it
     * @param tls         what its TLS handshake agreed on, where the service has {@code tls:}
     */
    public HandlerConnection(String service, ByteChannel channel, Shutdown shutdown, SocketAddress peer,
                             SocketAddress local, Optional<Credentials> credentials, Optional<InetSocketAddress> via,
                             Optional<TlsSession> tls) {
        this.service = service;
        this.channel = channel;
        this.shutdown = shutdown;
        this.peer = peer;
        this.local = local;
        this.credentials = credentials;
        this.via = via;
        this.tls = tls;
    }

    @Override
    public ByteChannel channel() {
        return channel;
    }

    @Override
    public SocketAddress peer() {
        return peer;
    }

    @Override
    public SocketAddress local() {
        return local;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public void shutdownOutput() throws IOException {
        shutdown.output();
    }

    @Override
    public Optional<PeerCredentials> credentials() {
        return credentials.map(c -> new PeerCredentials(c.pid(), c.uid(), c.gid()));
    }

    @Override
    public Optional<InetSocketAddress> via() {
        return via;
    }

    @Override
    public Optional<TlsSession> tls() {
        return tls;
    }
}
