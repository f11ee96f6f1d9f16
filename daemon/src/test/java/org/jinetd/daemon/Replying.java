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
 * {@code bytes: null} answers null, {@code bytes: local} answers the connection's local address,
 * and {@code bytes: thread} answers {@code virtual} or {@code platform}, the kind of thread it ran on.
 * With {@code declared: stream} the same handler is given by {@link #stream} alone, not declared a reply.
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
    public Optional<ReplyHandler> reply(Map<String, String> options) throws OptionException {
        return options.getOrDefault("declared", "reply").equals("reply") ? Optional.of(handler(options))
                : Optional.empty();
    }

    @Override
    public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        return Optional.of(handler(options));
    }

    private static ReplyHandler handler(Map<String, String> options) throws OptionException {
        var bytes = options.getOrDefault("bytes", "16");
        switch (bytes) {
            case "null" -> {
                return c -> null;
            }
            case "local" -> {
                return c -> ByteBuffer.wrap(String.valueOf(c.local()).getBytes(StandardCharsets.UTF_8));
            }
            case "thread" -> {
                return c -> ByteBuffer.wrap((Thread.currentThread().isVirtual() ? "virtual" : "platform")
                        .getBytes(StandardCharsets.UTF_8));
            }
            case "throw" -> {
                return c -> {
                    throw new IllegalStateException("no reply on purpose");
                };
            }
            default -> {
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
                return c -> ByteBuffer.wrap(reply).asReadOnlyBuffer();
            }
        }
    }
}
