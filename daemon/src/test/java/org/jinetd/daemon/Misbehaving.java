package org.jinetd.daemon;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.StreamHandler;

/**
 * A handler that misbehaves on purpose, as {@code options: {how: throw|hang}} says, and
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
            default -> throw new OptionException("how", "must be throw or hang");
        });
    }

    @Override
    public Optional<DatagramHandler> datagram(Map<String, String> options) {
        return Optional.of(d -> {
            throw new IllegalStateException("broken on purpose");
        });
    }
}
