package org.jinetd.daemon.launch.handler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.util.Optional;
import org.jinetd.handler.Connection;
import org.jinetd.handler.PeerCredentials;
import org.jinetd.daemon.launch.Accepted;

/** What a stream handler sees of an accepted connection. */
public final class HandlerConnection implements Connection {
    private final Accepted accepted;
    private final ByteChannel channel;

    /** @param channel the connection as the handler uses it (watched for {@code timeout_idle}) */
    public HandlerConnection(Accepted accepted, ByteChannel channel) {
        this.accepted = accepted;
        this.channel = channel;
    }

    @Override
    public ByteChannel channel() {
        return channel;
    }

    @Override
    public SocketAddress peer() {
        return accepted.peer();
    }

    @Override
    public SocketAddress local() {
        return accepted.local();
    }

    @Override
    public String service() {
        return accepted.service().name();
    }

    @Override
    public void shutdownOutput() throws IOException {
        accepted.channel().shutdownOutput();
    }

    @Override
    public Optional<PeerCredentials> credentials() {
        return accepted.credentials();
    }
}
