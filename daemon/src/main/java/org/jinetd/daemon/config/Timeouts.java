package org.jinetd.daemon.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a connection may last.
 *
 * @param idle      no byte either way for this long ends it (handlers, bridged programs, redirects)
 * @param max       its whole lifetime, for every kind
 * @param killGrace after SIGTERM, how long a program has before SIGKILL
 * @param connect   how long a redirect waits for its target to take the connection (its
 *                  name looked up and the handshake), never past {@code max}
 */
public record Timeouts(Optional<Duration> idle, Optional<Duration> max, Duration killGrace, Duration connect) {
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);
    /** A target that has not answered a handshake in this long is not there. */
    public static final Duration DEFAULT_CONNECT = Duration.ofSeconds(10);

    /** The time a redirect gives its target: {@code connect_timeout}, cut to what {@code timeout_max} leaves. */
    public Duration connectWithin(Duration lived) {
        return max.map(m -> m.minus(lived)).filter(left -> left.compareTo(connect) < 0)
                .map(left -> left.isNegative() ? Duration.ZERO : left).orElse(connect);
    }
}
