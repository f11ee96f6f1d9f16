package org.jinetd.builtin;

import java.util.Map;
import java.util.Objects;
import org.jinetd.handler.OptionException;

/** The option check of the built-in services: none of them takes any option. */
final class NoOptions {
    private NoOptions() {}

    /**
     * Rejects the first key of {@code options}, so that {@code jinetd check} points at the
     * first line a user has to remove.
     */
    static void check(String handler, Map<String, String> options) throws OptionException {
        Objects.requireNonNull(options, "options");
        if (!options.isEmpty()) {
            throw new OptionException(options.keySet().iterator().next(),
                    "unknown option; %s takes no options".formatted(handler));
        }
    }
}
