package org.jinetd.daemon.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.jinetd.daemon.os.Fds;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.SocketCalls;
import org.jinetd.daemon.proxy.Accept;
import org.jinetd.daemon.proxy.ProxyHeader;
import org.jinetd.daemon.proxy.ProxyParser;

/**
 * Reads a PROXY header off a connection. A balancer sends its header as it connects, so it is
 * mostly there at accept: {@link #readNow} takes it without a wait or a thread. Otherwise
 * {@link #read} waits for it, each read asking for no more bytes than the header certainly
 * still has; its reads park the connection's virtual thread, within the deadline.
 *
 * <p>Where the socket goes to a program that inherits it, or to a TLS handshake that reads it
 * itself, exactly the header is consumed, so that they read the client's first byte: what came
 * is looked at in place and the header's bytes alone are then dropped. Where the daemon reads
 * all that follows itself (a handler, pipes, a redirect), one read takes what came, and the
 * bytes past the header go to whoever reads next, ahead of the socket's.
 */
final class HeaderReading {
    /** The longest header taken (v2 with its TLVs, as the parser bounds it). */
    private static final int MOST = 4096;
    /**
     * What is looked at first: a v1 line (at most 107 bytes), or a v2 header with TLVs of up to
     * 240 bytes; no more than a peek takes without allocating.
     */
    private static final int FIRST_LOOK = SocketCalls.KEPT_PEEK;
    /** No bytes past the header. */
    static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();
    /** The peer reset the connection (errno). */
    private static final int ECONNRESET = 104;

    private HeaderReading() {}

    /** What came of reading: a header, or why there is none. */
    sealed interface Outcome {
        /** @param after what was taken with the header past its end, to be read first (mostly nothing) */
        record Read(ProxyHeader header, ByteBuffer after) implements Outcome {}

        /** @param why a short phrase for the log; it never quotes the client's bytes */
        record Failed(String why) implements Outcome {}
    }

    /** What a look at accept found. */
    sealed interface Look {
        record Done(Outcome outcome) implements Look {}

        /**
         * The header is not all there yet (or nothing can be seen): {@link #read} waits for the
         * rest, from the first {@code have} bytes of {@code begun}, which were taken already.
         */
        record Waits(byte[] begun, int have) implements Look {}
    }

    /** Nothing taken yet. */
    static final Look.Waits NOT_BEGUN = new Look.Waits(new byte[0], 0);

    /**
     * The header, where the socket holds the whole of it now.
     *
     * @param exact whether the bytes after the header must stay in the socket
     */
    static Look readNow(SocketChannel channel, Accept accept, boolean exact) throws IOException {
        int fd = Fds.of(channel);
        // A first look as long as any v1 line and most v2 headers; a longer v2 header gets a second.
        var bytes = new byte[FIRST_LOOK];
        int have = 0;
        try {
            have = exact ? SocketCalls.peekNow(fd, bytes) : SocketCalls.receiveNow(fd, bytes, 0, bytes.length);
            if (have == bytes.length && ProxyParser.parse(bytes, have, accept) instanceof ProxyParser.Parsed.Partial p) {
                int whole = (int) Math.min(MOST, (long) have + p.more());
                bytes = java.util.Arrays.copyOf(bytes, whole);
                if (exact) {
                    have = SocketCalls.peekNow(fd, bytes);
                } else {
                    int more = SocketCalls.receiveNow(fd, bytes, have, whole - have);
                    have += Math.max(0, more);
                }
            }
        } catch (Libc.Failure e) {
            // A reset, say. The kernel tells a socket's error once, and it has told it here: said
            // here too, as the read that waits says it, and with what was taken of the header.
            var where = have <= 0 ? "before a header" : "within its header";
            return new Look.Done(new Outcome.Failed(e.errno == ECONNRESET ? "reset " + where
                    : "read failed " + where + ": " + e.getMessage()));
        }
        if (have <= 0) {
            return NOT_BEGUN;
        }
        // The parser never looks past the header's end, so what the client sent after it changes nothing.
        return switch (ProxyParser.parse(bytes, have, accept)) {
            case ProxyParser.Parsed.Complete complete -> {
                var after = NOTHING;
                if (exact) {
                    try {
                        SocketCalls.takeNow(fd, complete.length());
                    } catch (Libc.Failure e) {
                        throw new IOException(e.getMessage(), e);
                    }
                } else if (have > complete.length()) {
                    after = ByteBuffer.wrap(bytes, complete.length(), have - complete.length()).slice();
                }
                yield new Look.Done(new Outcome.Read(complete.header(), after));
            }
            case ProxyParser.Parsed.Bad bad -> new Look.Done(new Outcome.Failed(bad.why()));
            // All of them the header's: taken or only looked at, as the rest will be.
            case ProxyParser.Parsed.Partial _ -> exact ? NOT_BEGUN : new Look.Waits(bytes, have);
        };
    }

    /** Waits for the header's rest, within {@code within}, from what {@code begun} holds of it. */
    static Outcome read(SocketChannel channel, Accept accept, Duration within, Look.Waits begun) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        var socket = channel.socket();
        var in = socket.getInputStream();
        var bytes = new byte[MOST];
        int have = begun.have();
        System.arraycopy(begun.begun(), 0, bytes, 0, have);
        int want = ProxyParser.first(accept);
        try {
            while (true) {
                while (have < want) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return new Outcome.Failed("no whole header within " + shown(within));
                    }
                    socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                    int n;
                    try {
                        n = in.read(bytes, have, want - have);
                    } catch (SocketTimeoutException e) {
                        return new Outcome.Failed("no whole header within " + shown(within));
                    } catch (IOException e) {
                        // The balancer reset it (or a stop closed it, which the caller tells apart): it
                        // held a place until now, and ends with a line as any bad header does.
                        var where = have == 0 ? "before a header" : "within its header";
                        return new Outcome.Failed("Connection reset".equals(e.getMessage()) ? "reset " + where
                                : "read failed " + where + ": " + e.getMessage());
                    }
                    if (n < 0) {
                        return new Outcome.Failed(have == 0 ? "closed before a header" : "closed within its header");
                    }
                    have += n;
                }
                switch (ProxyParser.parse(bytes, have, accept)) {
                    case ProxyParser.Parsed.Complete complete -> {
                        return new Outcome.Read(complete.header(), NOTHING);
                    }
                    case ProxyParser.Parsed.Partial partial -> {
                        if (have + partial.more() > MOST) {
                            return new Outcome.Failed("a header longer than " + MOST + " bytes");
                        }
                        want = have + partial.more();
                    }
                    case ProxyParser.Parsed.Bad bad -> {
                        return new Outcome.Failed(bad.why());
                    }
                }
            }
        } finally {
            // What comes next reads without a deadline of this step's.
            if (socket.isConnected() && !socket.isClosed()) {
                socket.setSoTimeout(0);
            }
        }
    }

    private static String shown(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
