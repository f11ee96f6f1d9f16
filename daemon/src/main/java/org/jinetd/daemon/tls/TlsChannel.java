package org.jinetd.daemon.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A client's connection after its handshake: plaintext in and out, over the TLS session on
 * the blocking channel beneath. One thread may read while another writes, as a bridge copies
 * both ways; {@link #shutdownOutput} sends close_notify and FIN while reading goes on.
 */
public final class TlsChannel implements ByteChannel {
    /** How long {@link #close} waits to send close_notify to a client that reads nothing. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final Session session;
    private final boolean renegotiable;
    /** Taken by the reader; the writer never waits for it. */
    private final ReentrantLock reading = new ReentrantLock();
    /** Taken for every wrap and its write, so that records go out in the order they were made. */
    private final ReentrantLock writing = new ReentrantLock();
    private final AtomicBoolean open = new AtomicBoolean(true);
    /** Ciphertext read and not yet unwrapped, in read mode; the reader's. */
    private ByteBuffer netIn;
    /** Plaintext unwrapped and not yet read, in read mode; the reader's. */
    private ByteBuffer appIn;
    /** Ciphertext wrapped and being written; the writer's. */
    private ByteBuffer netOut;
    private boolean inputDone;
    private volatile boolean outputShut;
    /** Why the session was cut on the client's account, once it was. */
    private volatile String cut;

    TlsChannel(SocketChannel channel, SSLEngine engine, Session session, ByteBuffer netIn, ByteBuffer appIn) {
        this.channel = channel;
        this.engine = engine;
        this.session = session;
        this.renegotiable = session.protocol().equals("TLSv1.2");
        this.netIn = netIn;
        this.appIn = appIn;
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /** What the handshake agreed on. */
    public Session session() {
        return session;
    }

    /**
     * Why the session was cut on the client's account, if it was: {@code renegotiation}, a
     * client that asked for a new handshake. Whoever copied its bytes saw an exception, or
     * only the end; the connection's line says this instead.
     */
    public Optional<String> cut() {
        return Optional.ofNullable(cut);
    }

    /**
     * Plaintext from the client: blocks until some comes; -1 once the client has ended its
     * side (close_notify, or the connection's EOF without one).
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        reading.lock();
        try {
            while (true) {
                if (appIn.hasRemaining()) {
                    return copy(appIn, dst);
                }
                if (inputDone) {
                    return -1;
                }
                appIn.compact();
                SSLEngineResult result;
                try {
                    result = engine.unwrap(netIn, appIn);
                } finally {
                    appIn.flip();
                }
                afterUnwrap(result);
                switch (result.getStatus()) {
                    case BUFFER_UNDERFLOW -> more();
                    case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    case CLOSED -> inputDone = true;
                    case OK -> { }
                }
            }
        } finally {
            reading.unlock();
        }
    }

    /**
     * What an unwrap asks for: a reply the engine made (TLS 1.3's KeyUpdate, TLS 1.2's answer
     * to close_notify) goes out; a new handshake asked for by the client is refused.
     */
    private void afterUnwrap(SSLEngineResult result) throws IOException {
        var status = result.getHandshakeStatus();
        if (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED) {
            return;
        }
        if (renegotiable && result.getStatus() == SSLEngineResult.Status.OK) {
            // TLS 1.2 lets a client start a handshake again: a cheap way for it to make the
            // server do a handshake's work over and over (CVE-2011-1473), and nothing a client
            // of an inetd service needs.
            cut = "renegotiation";
            refuse();
            throw new SSLException("the client asked to renegotiate; refused");
        }
        if (status == HandshakeStatus.NEED_TASK) {
            Handshake.tasks(engine);
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            writing.lock();
            try {
                while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    if (wrap(NOTHING) == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        break;
                    }
                }
            } finally {
                writing.unlock();
            }
        }
    }

    /**
     * {@code netIn} (being filled), or a larger copy of it, with room for at least one more byte
     * of a whole record: a buffer full of less than a record grows to the session's packet size.
     */
    static ByteBuffer withRoomForRecord(ByteBuffer netIn, SSLEngine engine) throws SSLException {
        int packet = engine.getSession().getPacketBufferSize();
        var room = !netIn.hasRemaining() && netIn.capacity() < packet
                ? ByteBuffer.allocate(packet).put(netIn.flip()) : netIn;
        if (!room.hasRemaining()) {
            // The engine would have refused a record this long; never spin on a full buffer.
            throw new SSLException("a TLS record longer than " + room.capacity() + " bytes");
        }
        return room;
    }

    /** Reads more ciphertext, making room for a whole record; EOF without close_notify ends the input too. */
    private void more() throws IOException {
        netIn.compact();
        try {
            netIn = withRoomForRecord(netIn, engine);
            if (channel.read(netIn) < 0) {
                // A client that drops the connection without close_notify: the end of its input,
                // as for a plain socket. What it sent is all there is either way.
                inputDone = true;
                try {
                    engine.closeInbound();
                } catch (SSLException e) {
                    // "closing inbound before receiving peer's close_notify": so it is.
                }
            }
        } finally {
            netIn.flip();
        }
    }

    /** Plaintext to the client: all of {@code src}, in records; blocks while the client does not read. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        writing.lock();
        try {
            if (outputShut) {
                throw new IOException("output shut down");
            }
            int total = 0;
            while (src.hasRemaining()) {
                int before = src.remaining();
                if (wrap(src) == 0 && src.remaining() == before) {
                    throw new IOException("the TLS session takes no data");
                }
                total += before - src.remaining();
            }
            return total;
        } finally {
            writing.unlock();
        }
    }

    /** Wraps some of {@code src} (or a handshake or closing message) and writes it all; under {@link #writing}. */
    private int wrap(ByteBuffer src) throws IOException {
        while (true) {
            netOut.clear();
            var result = engine.wrap(src, netOut);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> netOut = ByteBuffer.allocate(netOut.capacity() + engine.getSession().getPacketBufferSize());
                case CLOSED -> {
                    flush();
                    if (src.hasRemaining()) {
                        // Under TLS 1.2 the client's close_notify closed our side too.
                        throw new IOException("the TLS session is closed");
                    }
                    return result.bytesProduced();
                }
                default -> {
                    flush();
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        Handshake.tasks(engine);
                    }
                    return result.bytesProduced();
                }
            }
        }
    }

    private void flush() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining()) {
            channel.write(netOut);
        }
    }

    /**
     * Ends our side: close_notify, then FIN. The client may go on sending, and reading goes on
     * (under TLS 1.2 a client usually answers with its own close_notify, which ends the input).
     */
    public void shutdownOutput() throws IOException {
        writing.lock();
        try {
            if (outputShut) {
                return;
            }
            closeNotify();
            channel.shutdownOutput();
        } finally {
            writing.unlock();
        }
    }

    /** Under {@link #writing}. */
    private void closeNotify() throws IOException {
        outputShut = true;
        engine.closeOutbound();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
            if (wrap(NOTHING) == 0) {
                break;
            }
        }
    }

    /** A renegotiation: our close_notify if no write is under way, then the connection's end. */
    private void refuse() throws IOException {
        if (writing.tryLock()) {
            try {
                if (!outputShut) {
                    closeNotify();
                }
            } catch (IOException e) {
                // Closing anyway.
            } finally {
                writing.unlock();
            }
        }
        close();
    }

    @Override
    public boolean isOpen() {
        return open.get() && channel.isOpen();
    }

    /**
     * Sends close_notify, if output is not shut down yet and no write is under way, waiting at
     * most a second for a client that reads nothing; then closes the connection.
     */
    @Override
    public void close() throws IOException {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        try {
            if (!outputShut && writing.tryLock()) {
                var deadline = Deadline.start(channel, CLOSE_GRACE);
                try {
                    closeNotify();
                } catch (IOException | RuntimeException e) {
                    // The client is gone, or reads nothing: it gets the FIN alone.
                } finally {
                    deadline.end();
                    writing.unlock();
                }
            }
        } finally {
            channel.close();
        }
    }

    private static int copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        var slice = from.slice(from.position(), n);
        to.put(slice);
        from.position(from.position() + n);
        return n;
    }

    /** {@code buffer} (in read mode) in a larger one, its bytes kept, still in read mode. */
    private static ByteBuffer grow(ByteBuffer buffer, int by) {
        return ByteBuffer.allocate(buffer.capacity() + by).put(buffer).flip();
    }
}
