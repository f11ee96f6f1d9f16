package org.jinetd.daemon.launch;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.util.Optional;
import org.jinetd.handler.Connection;
import org.jinetd.handler.PeerCredentials;

/** What a stream handler sees of an accepted connection. */
final class HandlerConnection implements Connection {
    private final Accepted accepted;

    HandlerConnection(Accepted accepted) {
        this.accepted = accepted;
    }

    @Override
    public ByteChannel channel() {
        return accepted.channel();
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
