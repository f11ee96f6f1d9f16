package org.jinetd.daemon.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How fast a service takes new connections ({@code rate}) and how fast from one client
 * ({@code rate_per_source}); over them, connections wait (at most {@code rate_wait}) rather
 * than the service being switched off.
 */
public record Rates(Optional<Rate> service, Optional<Rate> perSource, Duration maxWait) {
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);
    /**
     * {@code rate_per_source} of a UDP handler that sets none: a sender whose source can be
     * forged must not be able to make the daemon answer at the rate it sends.
     */
    public static final Rate DATAGRAM_PER_SOURCE = new Rate(20, 40);
}
