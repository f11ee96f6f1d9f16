package org.jinetd.daemon.launch.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.jinetd.daemon.os.Credentials;
import org.jinetd.handler.Connection;
import org.jinetd.handler.PeerCredentials;

/** What a stream handler sees of a connection: the client as identifying it fixed it, and a channel to it. */
public final class HandlerConnection implements Connection {
    private final String service;
    private final ByteChannel channel;
    private final SocketChannel socket;
    private final SocketAddress peer;
    private final SocketAddress local;
    private final Optional<Credentials> credentials;
    private final Optional<InetSocketAddress> via;

    /**
     * @param channel     the connection as the handler uses it (watched for {@code timeout_idle})
     * @param socket      the connection's socket, whose writing side {@link #shutdownOutput} closes
     * @param credentials a unix client's, as the daemon has them: the handler gets the API's type
     * @param via         the balancer the client came through, where a PROXY header named it
     */
    public HandlerConnection(String service, ByteChannel channel, SocketChannel socket, SocketAddress peer,
                             SocketAddress local, Optional<Credentials> credentials, Optional<InetSocketAddress> via) {
        this.service = service;
        this.channel = channel;
        this.socket = socket;
        this.peer = peer;
        this.local = local;
        this.credentials = credentials;
        this.via = via;
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
        socket.shutdownOutput();
    }

    @Override
    public Optional<PeerCredentials> credentials() {
        return credentials.map(c -> new PeerCredentials(c.pid(), c.uid(), c.gid()));
    }

    @Override
    public Optional<InetSocketAddress> via() {
        return via;
    }
}
