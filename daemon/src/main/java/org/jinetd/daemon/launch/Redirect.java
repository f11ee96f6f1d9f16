package org.jinetd.daemon.launch;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.jinetd.daemon.client.Client;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.proxy.ProxyWriter;
import org.jinetd.daemon.proxy.Tlvs;

/**
 * xinetd's {@code redirect}: the daemon connects to the target and copies bytes both ways,
 * passing each side's end-of-stream on as a half-close to the other.
 */
final class Redirect {
    private static final int BUFFER = 16 * 1024;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private Redirect() {}

    /** Serves the connection on its own thread: forwarded until both directions are done, then ended. */
    static void serve(Passage passage, Launch.Redirect target, Live.Entry entry) {
        var ending = passage.ending();
        entry.onAbort(ending::close);
        Optional<String> error;
        try (var watchdog = Watchdog.start(passage.service().timeouts(), passage.since(), true, entry)) {
            error = forward(passage, target, watchdog, entry);
        }
        ending.end(entry.reason(), error);
    }

    /**
     * Forwards until both directions are done; returns an error if the target could not be
     * reached within {@code connect_timeout} (its name looked up, then its handshake). With
     * {@code proxy:}, the header naming the real client goes first, in one write: receivers
     * such as haproxy refuse a header split across reads.
     */
    private static Optional<String> forward(Passage passage, Launch.Redirect target, Watchdog watchdog,
                                            Live.Entry entry) {
        var within = passage.service().timeouts().connectWithin(Duration.ofNanos(System.nanoTime() - passage.since()));
        long deadline = System.nanoTime() + within.toNanos();
        var where = "redirect to " + target.host() + ":" + target.port() + ": ";
        SocketChannel upstream;
        try {
            var address = resolve(target, within);
            if (address.isEmpty()) {
                return Optional.of(where + "no address for its name within " + shown(within));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.of(where + "no answer within " + shown(within));
            }
            upstream = SocketChannel.open();
            try {
                // The channel's adaptor waits at most this long for the handshake.
                upstream.socket().connect(address.get(), (int) Math.max(1, left / 1_000_000));
            } catch (IOException | RuntimeException e) {
                upstream.close();
                // A target that accepted and reset before the handshake was seen to end: passed on
                // as a reset, as one that resets later is.
                if (reset(e)) {
                    resetClient(passage);
                }
                throw e;
            }
        } catch (SocketTimeoutException e) {
            return Optional.of(where + "no answer within " + shown(within));
        } catch (IOException | RuntimeException e) {
            return Optional.of(where + e.getMessage());
        }
        // From here a timeout or a stop ends both sides: the client's alone would leave a copy
        // blocked on a target that neither reads nor speaks, holding the connection's place.
        var ending = passage.ending();
        entry.onAbort(() -> {
            ending.close();
            closeQuietly(upstream);
        });
        Optional<Broken> there;
        Optional<Broken> back;
        try (upstream) {
            if (target.proxy() > 0) {
                var header = ByteBuffer.wrap(header(passage, target.proxy()));
                while (header.hasRemaining()) {
                    upstream.write(header);
                }
            }
            // The client's side is its socket, or, with tls:, the plaintext inside it.
            var plain = passage.plain();
            // A target that fails (a reset) is passed on as one: the client must not take a cut
            // answer for a whole one.
            Runnable resetClient = () -> resetClient(passage);
            var backwards = new CompletableFuture<Optional<Broken>>();
            Thread.ofVirtual().start(() -> backwards.complete(
                    copy(upstream, plain, true, passage::shutdownOutput, resetClient, watchdog)));
            there = copy(plain, upstream, false, upstream::shutdownOutput, resetClient, watchdog);
            back = backwards.join();
        } catch (IOException e) {
            // The PROXY header's write (or the close) gets here: a target that reset meanwhile is passed on too.
            if (reset(e)) {
                resetClient(passage);
            }
            return Optional.of(where + e.getMessage());
        }
        if (entry.reason().isPresent()) {
            return Optional.empty();
        }
        return back.filter(Broken::target).or(() -> there.filter(Broken::target))
                .map(broken -> where + broken.message());
    }

    /** Whether {@code e} is the kernel's ECONNRESET, as the JDK words it. */
    private static boolean reset(Exception e) {
        return Handle.byClient(e).filter("reset"::equals).isPresent();
    }

    /** Closes the client's socket with a reset from now on (SO_LINGER 0), as the target did. */
    private static void resetClient(Passage passage) {
        try {
            passage.channel().setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            // Closed already: nothing left to tell it.
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closed already, or failing: either way it is closed.
        }
    }

    /**
     * The PROXY header of {@code version} that names the connection's real client and what it
     * reached; in v2, with its unique id (the one its own balancer gave it, else one of its
     * own) and, behind {@code tls:}, what the daemon's own TLS session agreed (SNI, ALPN, SSL),
     * else the TLVs its balancer sent of these.
     */
    static byte[] header(Passage passage, int version) {
        var client = passage.client();
        var reached = client.relay().flatMap(Client.Relay::destination).orElse(passage.local());
        var carried = client.relay().map(Client.Relay::tlvs).orElse(Tlvs.NONE);
        var id = carried.uniqueId().orElseGet(Redirect::uniqueId);
        var tlvs = passage.tls().map(session -> SessionTlvs.of(session, id)).orElseGet(() ->
                new Tlvs(carried.alpn(), carried.authority(), Optional.of(id), carried.ssl(), Optional.empty()));
        if (client.address() instanceof InetSocketAddress from && reached instanceof InetSocketAddress to) {
            return version == 1 ? ProxyWriter.v1(from, to) : ProxyWriter.v2(from, to, tlvs, false);
        }
        return ProxyWriter.unknown(version, tlvs);
    }

    /** A connection's id for those it is relayed to: 16 random bytes, as hex text. */
    private static byte[] uniqueId() {
        var bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * The target's address: looked up on a thread of its own, as a resolver that does not
     * answer holds its caller for as long as it likes; empty if it took longer than {@code within}.
     */
    private static Optional<InetSocketAddress> resolve(Launch.Redirect target, Duration within) throws IOException {
        var lookup = new CompletableFuture<InetSocketAddress>();
        Thread.ofVirtual().name("resolve-" + target.host()).start(() -> {
            var address = new InetSocketAddress(target.host(), target.port());
            lookup.complete(address);
        });
        try {
            var address = lookup.get(within.toNanos(), TimeUnit.NANOSECONDS);
            if (address.isUnresolved()) {
                throw new UnknownHostException(target.host() + ": name not known");
            }
            return Optional.of(address);
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static String shown(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Closes a destination's writing side. */
    @FunctionalInterface
    private interface HalfClose {
        void close() throws IOException;
    }

    /**
     * How a direction failed: by the target's side ({@code target}) or the client's, and the
     * JDK's words.
     */
    private record Broken(boolean target, String message) {}

    /**
     * One direction; the source's EOF half-closes the destination. A failure on either side
     * closes both, so that the other direction ends too; one on the target's side resets the
     * client first ({@code resetClient}).
     */
    private static Optional<Broken> copy(java.nio.channels.ByteChannel from, java.nio.channels.ByteChannel to,
                                         boolean fromTarget, HalfClose halfClose, Runnable resetClient,
                                         Watchdog watchdog) {
        var buffer = ByteBuffer.allocate(BUFFER);
        boolean reading = true;
        try {
            while (from.read(buffer.clear()) >= 0) {
                watchdog.touch();
                buffer.flip();
                reading = false;
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                reading = true;
            }
            reading = false;
            halfClose.close();
            return Optional.empty();
        } catch (IOException e) {
            // Reading from the target or writing to it: the target's side failed.
            boolean target = reading == fromTarget;
            if (target) {
                resetClient.run();
            }
            closeQuietly(from);
            closeQuietly(to);
            return Optional.of(new Broken(target, String.valueOf(e.getMessage())));
        }
    }
}
