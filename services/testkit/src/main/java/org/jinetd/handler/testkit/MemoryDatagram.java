package org.jinetd.handler.testkit;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link org.jinetd.handler.Datagram} in memory, for a unit test that needs no socket: the
 * payload is given, and every reply is kept.
 * {@snippet :
 * var datagram = MemoryDatagram.of("hello");
 * handler.handle(datagram);
 * assertEquals(List.of("hello"), datagram.replyTexts());
 * }
 *
 * <p>{@link #payload()} is a fresh read-only view at each call; {@link #reply} takes the
 * bytes from position to limit and moves the position to the limit, as a send does. Unless
 * set, the peer is {@code 127.0.0.1:50000}, the local address {@code 127.0.0.1:7000} and
 * the service {@code test}. It is safe to use from several threads.
 */
public final class MemoryDatagram implements org.jinetd.handler.Datagram {
    private final ByteBuffer payload;
    private final List<byte[]> replies = new ArrayList<>();
    private SocketAddress peer = new InetSocketAddress(Listener.LOOPBACK, 50_000);
    private SocketAddress local = new InetSocketAddress(Listener.LOOPBACK, 7_000);
    private String service = "test";

    private MemoryDatagram(byte[] payload) {
        this.payload = ByteBuffer.wrap(payload.clone()).asReadOnlyBuffer();
    }

    /**
     * A datagram of {@code payload} in UTF-8.
     *
     * @param payload what the handler receives
     * @return the datagram
     */
    public static MemoryDatagram of(String payload) {
        return of(payload.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A datagram of {@code payload}.
     *
     * @param payload what the handler receives (copied), perhaps empty
     * @return the datagram
     */
    public static MemoryDatagram of(byte[] payload) {
        return new MemoryDatagram(Objects.requireNonNull(payload, "payload"));
    }

    /**
     * Sets the sender's address.
     *
     * @param peer what {@link #peer()} returns
     * @return this datagram
     */
    public synchronized MemoryDatagram peer(SocketAddress peer) {
        this.peer = Objects.requireNonNull(peer, "peer");
        return this;
    }

    /**
     * Sets the address the datagram was sent to.
     *
     * @param local what {@link #local()} returns
     * @return this datagram
     */
    public synchronized MemoryDatagram local(SocketAddress local) {
        this.local = Objects.requireNonNull(local, "local");
        return this;
    }

    /**
     * Sets the service's name.
     *
     * @param service what {@link #service()} returns
     * @return this datagram
     */
    public synchronized MemoryDatagram service(String service) {
        this.service = Objects.requireNonNull(service, "service");
        return this;
    }

    @Override
    public ByteBuffer payload() {
        return payload.duplicate();
    }

    @Override
    public synchronized SocketAddress peer() {
        return peer;
    }

    @Override
    public synchronized SocketAddress local() {
        return local;
    }

    @Override
    public synchronized String service() {
        return service;
    }

    /**
     * Keeps one reply.
     *
     * @param answer the bytes from position to limit; the position moves to the limit
     */
    @Override
    public synchronized void reply(ByteBuffer answer) {
        var bytes = new byte[answer.remaining()];
        answer.get(bytes);
        replies.add(bytes);
    }

    /** {@return every reply, in the order sent} */
    public synchronized List<byte[]> replies() {
        return replies.stream().map(byte[]::clone).toList();
    }

    /** {@return every reply in UTF-8, in the order sent} */
    public synchronized List<String> replyTexts() {
        return replies.stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
    }
}
