package org.jinetd.handler.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.handler.ReplyHandler;
import org.jinetd.handler.StreamHandler;

/**
 * A stream handler on a loopback TCP port, served as jinetd serves it: each connection's
 * {@code handle} on a virtual thread of its own, the connection closed when it returns or
 * throws; a {@link ReplyHandler}'s {@code reply} called on the accepting thread, its bytes
 * written, then the connection closed.
 */
final class StreamListener extends Listener {
    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private final StreamHandler handler;
    private final Thread acceptor;

    private StreamListener(String service, Duration deadline, StreamHandler handler) throws IOException {
        super(service, deadline);
        this.handler = handler;
        this.server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        this.address = (InetSocketAddress) server.getLocalAddress();
        // Started last, so that the loop sees every field set.
        this.acceptor = Thread.ofPlatform().name(service + "/tcp accept").daemon().start(this::accept);
    }

    static StreamListener open(String service, Duration deadline, StreamHandler handler) throws IOException {
        return new StreamListener(service, deadline, Objects.requireNonNull(handler, "handler"));
    }

    @Override
    InetSocketAddress address() {
        return address;
    }

    /** As jinetd judges it: a reset or a write after the client left is the client's doing. */
    @Override
    boolean byClient(Throwable thrown) {
        var message = thrown.getMessage();
        return thrown instanceof IOException && message != null
                && (message.contains("Connection reset") || message.contains("Broken pipe"));
    }

    private void accept() {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                problem(new IOException(service + "/tcp: accept failed; no more connections are served", e));
                return;
            }
            try {
                serve(channel);
            } catch (IOException | RuntimeException e) {
                close(channel);
                problem(new IOException(service + "/tcp: could not serve an accepted connection", e));
            }
            arrived();
        }
    }

    private void serve(SocketChannel channel) throws IOException {
        var connection = new SocketConnection(channel, service);
        if (!(handler instanceof ReplyHandler reply)) {
            run(channel, () -> handler.handle(connection));
            return;
        }
        ByteBuffer bytes;
        try {
            bytes = Objects.requireNonNull(reply.reply(connection), "reply() returned null");
        } catch (RuntimeException | Error e) {
            close(channel);
            ended(Optional.of(e));
            return;
        }
        run(channel, () -> {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        });
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket that failed: nothing more to do with it.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
