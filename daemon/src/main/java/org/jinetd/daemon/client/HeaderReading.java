package org.jinetd.daemon.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import org.jinetd.daemon.os.Fds;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.SocketCalls;
import org.jinetd.daemon.proxy.Accept;
import org.jinetd.daemon.proxy.ProxyHeader;
import org.jinetd.daemon.proxy.ProxyParser;

/**
 * Reads a PROXY header off a connection, exactly, so that a program that gets the socket next
 * reads the client's first byte. A balancer sends its header as it connects, so it is mostly
 * there at accept: {@link #readNow} looks at what the socket holds in place and takes the
 * header's bytes alone, without a wait or a thread. Otherwise {@link #read} waits for it, each
 * read asking for no more bytes than the header certainly still has; its reads park the
 * connection's virtual thread, within the deadline.
 */
final class HeaderReading {
    /** The longest header taken (v2 with its TLVs, as the parser bounds it). */
    private static final int MOST = 4096;
    /**
     * What is looked at first: a v1 line (at most 107 bytes), or a v2 header with TLVs of up to
     * 240 bytes; no more than a peek takes without allocating.
     */
    private static final int FIRST_LOOK = SocketCalls.KEPT_PEEK;

    private HeaderReading() {}

    /** What came of reading: a header, or why there is none. */
    sealed interface Outcome {
        record Read(ProxyHeader header) implements Outcome {}

        /** @param why a short phrase for the log; it never quotes the client's bytes */
        record Failed(String why) implements Outcome {}
    }

    /**
     * The header, where the socket holds the whole of it now; empty where more must come first
     * (or nothing can be seen), which {@link #read} then waits for.
     */
    static Optional<Outcome> readNow(SocketChannel channel, Accept accept) throws IOException {
        int fd = Fds.of(channel);
        // A first look as long as any v1 line and most v2 headers; a longer v2 header gets a second.
        var bytes = new byte[FIRST_LOOK];
        int have;
        try {
            have = SocketCalls.peekNow(fd, bytes);
            if (have == bytes.length && ProxyParser.parse(bytes, have, accept) instanceof ProxyParser.Parsed.Partial p) {
                bytes = new byte[(int) Math.min(MOST, (long) have + p.more())];
                have = SocketCalls.peekNow(fd, bytes);
            }
        } catch (Libc.Failure e) {
            // A reset, say: the read that waits meets it too, and says so.
            return Optional.empty();
        }
        if (have <= 0) {
            return Optional.empty();
        }
        // The parser never looks past the header's end, so what the client sent after it changes nothing.
        return switch (ProxyParser.parse(bytes, have, accept)) {
            case ProxyParser.Parsed.Complete complete -> {
                try {
                    SocketCalls.takeNow(fd, complete.length());
                } catch (Libc.Failure e) {
                    throw new IOException(e.getMessage(), e);
                }
                yield Optional.of(new Outcome.Read(complete.header()));
            }
            case ProxyParser.Parsed.Bad bad -> Optional.of(new Outcome.Failed(bad.why()));
            case ProxyParser.Parsed.Partial _ -> Optional.empty();
        };
    }

    static Outcome read(SocketChannel channel, Accept accept, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        var socket = channel.socket();
        var in = socket.getInputStream();
        var bytes = new byte[MOST];
        int have = 0;
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
                        return new Outcome.Read(complete.header());
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
