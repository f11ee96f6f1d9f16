package org.jinetd.daemon;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.jinetd.handler.Connection;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.ReplyHandler;
import org.jinetd.handler.StreamHandler;

/**
 * A handler for tests that says who it is serving, as the API tells it: a line
 * {@code peer=ADDRESS:PORT via=ADDRESS:PORT} ({@code via=-} where there is no balancer), then,
 * as a stream handler, every byte the client sends, back, to the client's end. With
 * {@code options: {declared: reply}} it is a reply known at accept: the line alone.
 */
public final class PeerReport implements HandlerProvider {
    @Override
    public String name() {
        return "peer-report";
    }

    @Override
    public Optional<ReplyHandler> reply(Map<String, String> options) throws OptionException {
        return declared(options).equals("reply") ? Optional.of(c -> ByteBuffer.wrap(line(c))) : Optional.empty();
    }

    @Override
    public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        if (declared(options).equals("reply")) {
            return reply(options).map(StreamHandler.class::cast);
        }
        return Optional.of(PeerReport::serve);
    }

    private static String declared(Map<String, String> options) throws OptionException {
        for (var key : options.keySet()) {
            if (!key.equals("declared")) {
                throw new OptionException(key, "unknown option (known: declared)");
            }
        }
        var declared = options.getOrDefault("declared", "stream");
        if (!declared.equals("stream") && !declared.equals("reply")) {
            throw new OptionException("declared", "must be stream or reply");
        }
        return declared;
    }

    private static void serve(Connection c) throws IOException {
        var channel = c.channel();
        var line = ByteBuffer.wrap(line(c));
        while (line.hasRemaining()) {
            channel.write(line);
        }
        var buffer = ByteBuffer.allocate(4096);
        while (channel.read(buffer.clear()) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    private static byte[] line(Connection c) {
        return ("peer=" + shown(c.peer()) + " via=" + c.via().map(PeerReport::shown).orElse("-") + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code 127.0.0.2:4711}, as the log shows an IPv4 client; a unix client's path as it is. */
    static String shown(SocketAddress address) {
        return address instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : String.valueOf(address);
    }
}
