package org.example.reverse;

import java.util.Map;
import java.util.Optional;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.StreamHandler;

/**
 * The handler {@code reverse}, for stream services; its one option, {@code suffix}, is put
 * after each reversed line. Listed in META-INF/services, where the daemon finds it.
 */
public final class ReverseProvider implements HandlerProvider {
    @Override
    public String name() {
        return "reverse";
    }

    @Override
    public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        for (var key : options.keySet()) {
            if (!key.equals("suffix")) {
                throw new OptionException(key, "unknown option; reverse takes only 'suffix'");
            }
        }
        var suffix = options.getOrDefault("suffix", "");
        // One answer per line: a line end inside the suffix would make two.
        if (suffix.contains("\n") || suffix.contains("\r")) {
            throw new OptionException("suffix", "must not contain a line end");
        }
        return Optional.of(new Reverse(suffix));
    }
}
