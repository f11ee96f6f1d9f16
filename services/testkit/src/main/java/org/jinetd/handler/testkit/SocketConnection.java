package org.jinetd.handler.testkit;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import org.jinetd.handler.Connection;

/** What a stream handler sees of an accepted connection, as jinetd gives it. */
final class SocketConnection implements Connection {
    private final SocketChannel socket;
    private final ByteChannel channel;
    private final SocketAddress peer;
    private final SocketAddress local;
    private final String service;

    SocketConnection(SocketChannel socket, String service) throws IOException {
        this.socket = socket;
        this.channel = new Bytes(socket);
        this.peer = socket.getRemoteAddress();
        this.local = socket.getLocalAddress();
        this.service = service;
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

    /**
     * The socket as a ByteChannel and nothing more, as jinetd gives it: a handler that casts it
     * to a SocketChannel fails here as it would in the daemon, not only in production.
     */
    private record Bytes(ByteChannel socket) implements ByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            return socket.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return socket.write(src);
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
