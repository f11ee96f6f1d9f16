package org.jinetd.builtin;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.StreamHandler;

/**
 * A handler served on a loopback port, the way the daemon serves it: one virtual thread per
 * connection or datagram, and for streams a close after the handler returns. Tests talk to
 * {@link #address()} with plain sockets and can wait for a handler to end.
 */
final class Served implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final int MOST_DATAGRAM_BYTES = 65_535;

    private final NetworkChannel socket;
    private final InetSocketAddress address;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    // One entry per handler that ended: empty when it returned, else what it threw.
    private final BlockingQueue<Optional<Throwable>> ended = new LinkedBlockingQueue<>();
    private final Thread receiver;

    private Served(NetworkChannel socket, String name, Consumer<Served> loop) throws IOException {
        this.socket = socket;
        this.address = (InetSocketAddress) socket.getLocalAddress();
        // Started last, so the loop sees every field set.
        this.receiver = Thread.ofPlatform().name(name).daemon().start(() -> loop.accept(this));
    }

    static Served stream(String service, StreamHandler handler) throws IOException {
        var server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new Served(server, service + "/tcp accept", served -> served.accept(server, service, handler));
    }

    static Served datagram(String service, DatagramHandler handler) throws IOException {
        var channel = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new Served(channel, service + "/udp receive", served -> served.receive(channel, service, handler));
    }

    InetSocketAddress address() {
        return address;
    }

    /**
     * Waits for the next handler to end and gives what it threw, if anything. Fails the test
     * when none ends before {@link #DEADLINE}.
     */
    Optional<Throwable> awaitEnd() throws InterruptedException {
        var end = ended.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        if (end == null) {
            throw new AssertionError("no handler ended within " + DEADLINE);
        }
        return end;
    }

    private void accept(ServerSocketChannel server, String service, StreamHandler handler) {
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            open.add(client);
            Thread.ofVirtual().start(() -> {
                try (client) {
                    handler.handle(AcceptedConnection.of(client, service));
                    ended.add(Optional.empty());
                } catch (Throwable t) {
                    ended.add(Optional.of(t));
                } finally {
                    open.remove(client);
                }
            });
        }
    }

    private void receive(DatagramChannel channel, String service, DatagramHandler handler) {
        while (true) {
            var buffer = ByteBuffer.allocate(MOST_DATAGRAM_BYTES);
            try {
                var peer = channel.receive(buffer);
                var datagram = new ReceivedDatagram(channel, buffer.flip(), peer, address, service);
                Thread.ofVirtual().start(() -> {
                    try {
                        handler.handle(datagram);
                        ended.add(Optional.empty());
                    } catch (Throwable t) {
                        ended.add(Optional.of(t));
                    }
                });
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        // Ends handlers a test left running, as a daemon's shutdown would.
        for (var client : open) {
            client.close();
        }
        try {
            receiver.join(DEADLINE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
