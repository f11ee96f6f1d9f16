package org.jinetd.handler.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A UDP client of a {@link Served} datagram handler: what it sends goes to the handler, and
 * it receives only what comes from the handler's address. Text is UTF-8.
 *
 * <p>{@link #receive()} has the served handler's deadline ({@link Served#DEADLINE} unless
 * set): a handler that does not answer fails the test instead of hanging it.
 *
 * <p>Tests get one as a parameter ({@code @Test void x(DatagramClient client)}) or from
 * {@link Served#connectDatagram()}; the kit closes it after the test.
 */
public final class DatagramClient implements AutoCloseable {
    /** The largest UDP payload there is. */
    private static final int MOST_BYTES = 65_535;

    private final DatagramChannel channel;
    private final InetSocketAddress address;
    private final Duration deadline;
    private final Runnable sent;

    private DatagramClient(DatagramChannel channel, InetSocketAddress address, Duration deadline, Runnable sent) {
        this.channel = channel;
        this.address = address;
        this.deadline = deadline;
        this.sent = sent;
    }

    static DatagramClient open(InetSocketAddress address, Duration deadline, Runnable sent) {
        try {
            // Not connect()ed: a connected DatagramChannel sends nothing for an empty buffer, and
            // an empty datagram is a request too (RFC 868's). receive() does the filtering instead.
            var channel = DatagramChannel.open();
            try {
                channel.bind(new InetSocketAddress(Listener.LOOPBACK, 0));
                return new DatagramClient(channel, address, deadline, sent);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a client of " + address, e);
        }
    }

    /**
     * Sends one datagram of {@code text} in UTF-8.
     *
     * @param text the payload
     * @return this client, to receive the answer
     */
    public DatagramClient send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends one datagram.
     *
     * @param payload the payload; empty, it is sent as an empty datagram
     * @return this client, to receive the answer
     */
    public DatagramClient send(byte[] payload) {
        try {
            channel.send(ByteBuffer.wrap(payload), address);
            sent.run();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("sending a datagram of " + payload.length + " bytes failed", e);
        }
    }

    /**
     * Receives the next datagram from the handler.
     *
     * @return its payload
     * @throws AssertionError if none came within the deadline
     */
    public byte[] receive() {
        return receive(deadline)
                .orElseThrow(() -> new AssertionError("no datagram from the handler within " + deadline));
    }

    /**
     * Receives the next datagram from the handler, as text.
     *
     * @return its payload in UTF-8
     * @throws AssertionError if none came within the deadline
     */
    public String receiveText() {
        return new String(receive(), StandardCharsets.UTF_8);
    }

    /**
     * Fails if a datagram comes within {@code wait}. Silence can only be shown by waiting, so
     * use it after the handler has ended ({@link Served#awaitEnd()}): an answer is sent
     * before that, and loopback delivers it at once, so a short wait is enough.
     *
     * @param wait how long to listen
     * @throws AssertionError if a datagram came
     */
    public void assertNoReply(Duration wait) {
        receive(wait).ifPresent(payload -> {
            throw new AssertionError("a datagram of " + payload.length + " bytes came: " + Client.shown(payload));
        });
    }

    /**
     * {@return the channel, bound to 127.0.0.1, for what this class does not do} It is not
     * connected: send to {@link Served#address()}.
     */
    public DatagramChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("close failed", e);
        }
    }

    /** The next datagram from the handler's address, or empty when none came within {@code wait}. */
    private Optional<byte[]> receive(Duration wait) {
        // The channel's socket adaptor is the one way to read a DatagramChannel with a timeout.
        var socket = channel.socket();
        var packet = new DatagramPacket(new byte[MOST_BYTES], MOST_BYTES);
        long until = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))));
                socket.receive(packet);
                // As a connected socket would, ignore whatever does not come from the handler.
                if (packet.getSocketAddress().equals(address)) {
                    return Optional.of(Arrays.copyOf(packet.getData(), packet.getLength()));
                }
            }
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("receiving a datagram failed", e);
        }
    }
}
