package org.jinetd.daemon.config;

/**
 * A token bucket: {@code perSecond} connections a second on average, {@code burst} at once.
 */
public record Rate(double perSecond, int burst) {
    public Rate {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a rate is positive, a burst at least 1");
        }
    }
}
