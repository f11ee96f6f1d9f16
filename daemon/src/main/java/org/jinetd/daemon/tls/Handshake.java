package org.jinetd.daemon.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The server's side of a client's handshake, over a connected blocking channel, on the
 * connection's own thread, within {@code handshake_timeout}: at the deadline the channel is
 * closed, whatever the client is sending. Ends with a {@link TlsChannel} or a failure and its
 * reason; a client's doing never throws.
 */
public final class Handshake {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private Handshake() {}

    /** How a handshake ended. */
    public sealed interface Outcome permits Secured, Failed {}

    /** The client is through: plaintext from here on. */
    public record Secured(TlsChannel channel) implements Outcome {}

    /**
     * The client is not, and why.
     *
     * @param detail what happened, for the log: the JDK's message, trimmed, or our own words
     */
    public record Failed(Failure failure, String detail) implements Outcome {}

    /** {@link #run(SocketChannel, ByteBuffer, ServerContext)} with nothing read from the client yet. */
    public static Outcome run(SocketChannel channel, ServerContext context) {
        return run(channel, NOTHING, context);
    }

    /**
     * Runs the handshake with the settings {@code context} has now. The channel is left open
     * on failure (but for a timeout, which closes it): the caller closes it, as it closes every
     * connection.
     *
     * @param channel connected and blocking
     * @param already bytes of the client's already read from the channel (after a PROXY
     *                header, say), taken before anything more is read
     */
    public static Outcome run(SocketChannel channel, ByteBuffer already, ServerContext context) {
        if (!channel.isBlocking()) {
            throw new IllegalArgumentException("the channel is not blocking");
        }
        var material = context.current();
        var timeout = material.tls().handshakeTimeout();
        var deadline = Deadline.start(channel, timeout);
        long started = System.currentTimeMillis();
        var run = new Run(channel, context.engine(material), context);
        try {
            var refused = run.first(already);
            if (refused.isPresent()) {
                deadline.end();
                return refused.get();
            }
            run.handshake();
            var session = Session.of(run.engine, started);
            var stale = stale(context.current(), session);
            if (stale.isPresent()) {
                run.alert();
                deadline.end();
                return stale.get();
            }
            return deadline.end() ? new Secured(run.channel(session)) : timedOut(timeout);
        } catch (SSLException e) {
            if (deadline.fired()) {
                return timedOut(timeout);
            }
            // Still within the deadline: a client that reads nothing cannot hold the alert's write.
            run.alert();
            deadline.end();
            var offered = run.offered.map(v -> v.stream().map(Hello::name).toList());
            boolean none = offered.isPresent() && material.tls().protocols().stream().noneMatch(offered.get()::contains);
            return none ? new Failed(Failure.PROTOCOL, "the client offers " + String.join(", ", offered.get()))
                    : new Failed(Failure.of(e), Failure.detail(e));
        } catch (IOException e) {
            // EOF, reset, broken pipe, or the channel closed: by the deadline, or by a stop.
            return deadline.end() ? new Failed(Failure.CLOSED, Failure.detail(e)) : timedOut(timeout);
        } catch (RuntimeException e) {
            // The engine failing in a way it does not say: this client's handshake ends, nothing more.
            return deadline.end() ? new Failed(Failure.OTHER, e.toString()) : timedOut(timeout);
        } finally {
            context.forget(run.engine);
        }
    }

    private static Failed timedOut(java.time.Duration timeout) {
        return new Failed(Failure.TIMEOUT, "no handshake within " + (timeout.toMillis() % 1000 == 0
                ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms"));
    }

    /**
     * A resumed session skips the check of the client's certificate: it is checked again here
     * against the authorities of now, so that a reload that drops one holds for tickets too.
     */
    private static Optional<Failed> stale(Material now, Session session) {
        if (!session.resumed() || session.clientChain().isEmpty() || now.clientTrust().isEmpty()) {
            return Optional.empty();
        }
        try {
            var chain = session.clientChain().toArray(X509Certificate[]::new);
            now.clientTrust().get().checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm());
            return Optional.empty();
        } catch (CertificateException | RuntimeException e) {
            return Optional.of(new Failed(Failure.BAD_CERTIFICATE, "resumed: " + Failure.detail(e)));
        }
    }

    /** The client went away: EOF before the handshake ended. */
    private static final class Closed extends IOException {
        Closed(String what) {
            super(what, null);
        }
    }

    /** One handshake's engine and buffers. */
    private static final class Run {
        private final SocketChannel channel;
        private final SSLEngine engine;
        private final ServerContext context;
        private ByteBuffer netIn;
        private ByteBuffer netOut;
        private ByteBuffer appIn;
        private Optional<List<Integer>> offered = Optional.empty();

        Run(SocketChannel channel, SSLEngine engine, ServerContext context) {
            this.channel = channel;
            this.engine = engine;
            this.context = context;
            var session = engine.getSession();
            netIn = ByteBuffer.allocate(session.getPacketBufferSize());
            netOut = ByteBuffer.allocate(session.getPacketBufferSize());
            appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        }

        /**
         * The client's first record, read whole before the engine sees it: a refusal if it is
         * no TLS, and the versions its ClientHello offers.
         */
        Optional<Failed> first(ByteBuffer already) throws IOException {
            if (already.remaining() > netIn.remaining()) {
                netIn = ByteBuffer.allocate(already.remaining() + netIn.capacity());
            }
            netIn.put(already);
            if (!fill(1)) {
                throw new Closed("closed before a byte");
            }
            // A first byte that starts neither a TLS record nor SSLv2's hello needs no more (a
            // client that sends one byte and waits is told at once); else three bytes tell.
            if (Hello.maybeTls(netIn.get(0))) {
                fill(3);
            }
            netIn.flip();
            var sniffed = Hello.sniff(netIn);
            var length = Hello.recordLength(netIn);
            netIn.compact();
            if (sniffed.isPresent()) {
                return Optional.of(new Failed(sniffed.get(), sniffed.get() == Failure.PROTOCOL
                        ? "an SSLv2 hello" : "the client's first bytes are no TLS handshake"));
            }
            if (length.isPresent() && length.get() <= netIn.capacity() && !fill(length.get())) {
                throw new Closed("closed in its first record");
            }
            netIn.flip();
            offered = Hello.versions(netIn);
            Hello.serverName(netIn).ifPresent(host -> context.asked(engine, host));
            netIn.compact();
            return Optional.empty();
        }

        /** Reads until {@code netIn} holds {@code bytes}; false at EOF before. */
        private boolean fill(int bytes) throws IOException {
            while (netIn.position() < bytes) {
                if (channel.read(netIn) < 0) {
                    return false;
                }
            }
            return true;
        }

        void handshake() throws IOException {
            engine.beginHandshake();
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> tasks(engine);
                    case NEED_WRAP -> wrap();
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrap();
                    case FINISHED, NOT_HANDSHAKING -> {
                        return;
                    }
                }
            }
        }

        private void wrap() throws IOException {
            netOut.clear();
            var result = engine.wrap(NOTHING, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() + engine.getSession().getPacketBufferSize());
                return;
            }
            netOut.flip();
            while (netOut.hasRemaining()) {
                channel.write(netOut);
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new Closed("the client ended the handshake");
            }
        }

        private void unwrap() throws IOException {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (result.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    netIn = TlsChannel.withRoomForRecord(netIn, engine);
                    if (channel.read(netIn) < 0) {
                        throw new Closed("closed during the handshake");
                    }
                }
                case BUFFER_OVERFLOW -> appIn = ByteBuffer.allocate(appIn.capacity()
                        + engine.getSession().getApplicationBufferSize()).put(appIn.flip());
                case CLOSED -> throw new Closed("the client ended the handshake");
                case OK -> { }
            }
        }

        /** After a failure: the alert the engine made (or a close_notify), sent if it can be. */
        void alert() {
            try {
                engine.closeOutbound();
                for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                    netOut.clear();
                    var result = engine.wrap(NOTHING, netOut);
                    netOut.flip();
                    while (netOut.hasRemaining()) {
                        channel.write(netOut);
                    }
                    if (result.bytesProduced() == 0) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // The client is gone, or never listened: the refusal stands without its alert.
            }
        }

        TlsChannel channel(Session session) {
            return new TlsChannel(channel, engine, session, netIn.flip(), appIn.flip());
        }
    }

    static void tasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
