package org.jinetd.daemon;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.StreamHandler;

/**
 * A handler that misbehaves on purpose, as {@code options: {how: throw|hang|late|wrapped}} says, and
 * takes a required numeric option so that option errors can be shown. Over UDP it always throws.
 */
public final class Misbehaving implements HandlerProvider {
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
            default -> throw new OptionException("how", "must be throw, hang, late or wrapped");
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
