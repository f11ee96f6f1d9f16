package org.jinetd.handler.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.jinetd.handler.Datagram;
import org.jinetd.handler.DatagramHandler;

/** A datagram handler on a loopback UDP port, served as jinetd serves it: each datagram on a virtual thread. */
final class DatagramListener extends Listener {
    /** The largest UDP payload there is. */
    private static final int MOST_BYTES = 65_535;

    private final DatagramChannel channel;
    private final InetSocketAddress address;
    private final DatagramHandler handler;
    private final Thread receiver;

    private DatagramListener(String service, Duration deadline, DatagramHandler handler) throws IOException {
        super(service, deadline);
        this.handler = handler;
        this.channel = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        this.address = (InetSocketAddress) channel.getLocalAddress();
        // Started last, so that the loop sees every field set.
        this.receiver = Thread.ofPlatform().name(service + "/udp receive").daemon().start(this::receive);
    }

    static DatagramListener open(String service, Duration deadline, DatagramHandler handler) throws IOException {
        return new DatagramListener(service, deadline, Objects.requireNonNull(handler, "handler"));
    }

    @Override
    InetSocketAddress address() {
        return address;
    }

    /** jinetd logs whatever a datagram handler throws: no exception is the client's doing. */
    @Override
    boolean byClient(Throwable thrown) {
        return false;
    }

    private void receive() {
        var buffer = ByteBuffer.allocate(MOST_BYTES);
        while (true) {
            SocketAddress peer;
            try {
                peer = channel.receive(buffer.clear());
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                problem(new IOException(service + "/udp: receive failed; no more datagrams are served", e));
                return;
            }
            var payload = ByteBuffer.wrap(Arrays.copyOf(buffer.array(), buffer.position())).asReadOnlyBuffer();
            var datagram = new Received(channel, payload, peer, address, service);
            run(() -> { }, () -> handler.handle(datagram));
            arrived();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            receiver.join(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a handler sees of one datagram: replies go from the service's socket to its sender. */
    private record Received(DatagramChannel channel, ByteBuffer bytes, SocketAddress peer, SocketAddress local,
            String service) implements Datagram {
        @Override
        public ByteBuffer payload() {
            // A view per call, so that a handler that reads it twice sees it from the start each time.
            return bytes.duplicate();
        }

        @Override
        public void reply(ByteBuffer answer) throws IOException {
            channel.send(answer, peer);
        }
    }
}
