package org.jinetd.daemon;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.ReplyHandler;
import org.jinetd.handler.StreamHandler;

/**
 * A {@link ReplyHandler} for tests: {@code options: {bytes: N}} answers N bytes of a known
 * pattern ({@link #at}); {@code options: {bytes: throw}} throws instead of answering,
 * {@code bytes: null} answers null, and {@code bytes: local} answers the connection's local address.
 */
public final class Replying implements HandlerProvider {
    @Override
    public String name() {
        return "replying";
    }

    /** The byte at {@code index} of every reply. */
    public static byte at(long index) {
        return (byte) ('a' + index % 26);
    }

    @Override
    public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        var bytes = options.getOrDefault("bytes", "16");
        if (bytes.equals("null")) {
            ReplyHandler none = c -> null;
            return Optional.of(none);
        }
        if (bytes.equals("local")) {
            ReplyHandler where = c -> ByteBuffer.wrap(String.valueOf(c.local()).getBytes(StandardCharsets.UTF_8));
            return Optional.of(where);
        }
        if (bytes.equals("throw")) {
            ReplyHandler broken = c -> {
                throw new IllegalStateException("no reply on purpose");
            };
            return Optional.of(broken);
        }
        int size;
        try {
            size = Integer.parseInt(bytes);
        } catch (NumberFormatException e) {
            throw new OptionException("bytes", "must be a number or throw");
        }
        var reply = new byte[size];
        for (int i = 0; i < size; i++) {
            reply[i] = at(i);
        }
        ReplyHandler handler = c -> ByteBuffer.wrap(reply).asReadOnlyBuffer();
        return Optional.of(handler);
    }
}
