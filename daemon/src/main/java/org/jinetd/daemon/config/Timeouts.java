package org.jinetd.daemon.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a connection may last.
 *
 * @param idle      no byte either way for this long ends it (handlers, bridged programs, redirects)
 * @param max       its whole lifetime, for every kind
 * @param killGrace after SIGTERM, how long a program has before SIGKILL
 */
public record Timeouts(Optional<Duration> idle, Optional<Duration> max, Duration killGrace) {
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);
}
