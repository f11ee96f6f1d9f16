package org.jinetd.daemon.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.jinetd.daemon.proxy.Accept;
import org.jinetd.daemon.proxy.ProxyHeader;
import org.jinetd.daemon.proxy.ProxyParser;

/**
 * Reads a PROXY header off a connection, exactly: each read asks for no more bytes than the
 * header certainly still has, so a program that gets the socket next reads the client's
 * first byte. Reads park the connection's virtual thread, within the deadline.
 */
final class HeaderReading {
    /** The longest header taken (v2 with its TLVs, as the parser bounds it). */
    private static final int MOST = 4096;

    private HeaderReading() {}

    /** What came of reading: a header, or why there is none. */
    sealed interface Outcome {
        record Read(ProxyHeader header) implements Outcome {}

        /** @param why a short phrase for the log; it never quotes the client's bytes */
        record Failed(String why) implements Outcome {}
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
