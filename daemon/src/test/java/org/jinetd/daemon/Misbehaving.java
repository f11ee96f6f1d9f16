package org.jinetd.daemon;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.StreamHandler;

/**
 * A handler that misbehaves on purpose, as {@code options: {how: throw|hang|late|wrapped|forge|long}} says, and
 * takes a required numeric option so that option errors can be shown. Over UDP it always throws.
 */
public final class Misbehaving implements HandlerProvider {
    /** What {@code how: forge} throws, as {@code Integer.parseInt} of a client's line would. */
    static final String FORGED = "For input string: \"x\u001b[2J\r\u0007\nWARN service=x peer=1.2.3.4 refused=only_from\"";

    @Override
    public String name() {
        return "misbehaving";
    }

    @Override
    public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        for (var key : options.keySet()) {
            if (!key.equals("how")) {
                throw new OptionException(key, "unknown option (known: how)");
            }
        }
        return Optional.of(switch (options.getOrDefault("how", "throw")) {
            case "throw" -> c -> {
                throw new IllegalStateException("broken on purpose");
            };
            case "hang" -> c -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            // After the client's EOF, writes until the write fails: the client has closed.
            case "late" -> c -> writeAfterEof(c);
            // The same, with the failure wrapped as handlers often do.
            case "wrapped" -> c -> {
                try {
                    writeAfterEof(c);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("could not answer", e);
                }
            };
            // A message that quotes a client's line: a newline, an entry of the client's choosing, control characters.
            case "forge" -> c -> {
                throw new NumberFormatException(FORGED);
            };
            // A message of 70 KiB, with such an entry at its end.
            case "long" -> c -> {
                throw new IllegalArgumentException("x".repeat(70 * 1024) + "\nERROR service=x peer=1.2.3.4 refused=only_from");
            };
            default -> throw new OptionException("how", "must be throw, hang, late, wrapped, forge or long");
        });
    }

    private static void writeAfterEof(org.jinetd.handler.Connection c) throws java.io.IOException {
        var buffer = java.nio.ByteBuffer.allocate(4096);
        while (c.channel().read(buffer.clear()) >= 0) {
            // Read to the client's end.
        }
        var chunk = java.nio.ByteBuffer.allocate(65536);
        while (true) {
            c.channel().write(chunk.clear());
        }
    }

    @Override
    public Optional<DatagramHandler> datagram(Map<String, String> options) {
        return Optional.of(d -> {
            throw new IllegalStateException("broken on purpose");
        });
    }
}
