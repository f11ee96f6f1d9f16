package org.jinetd.builtin;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import org.jinetd.handler.Connection;

/** The smallest {@link Connection} over an accepted socket, as the daemon would give it. */
record AcceptedConnection(SocketChannel socket, SocketAddress peer, SocketAddress local, String service)
        implements Connection {

    static AcceptedConnection of(SocketChannel socket, String service) throws IOException {
        return new AcceptedConnection(socket, socket.getRemoteAddress(), socket.getLocalAddress(), service);
    }

    @Override
    public ByteChannel channel() {
        return socket;
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }
}
