package org.jinetd.daemon.policy;

import org.jinetd.daemon.config.Rate;

/** A token bucket: {@link Rate#perSecond()} tokens a second, at most {@link Rate#burst()} saved. */
final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long updated;

    TokenBucket(Rate rate, long now) {
        this.perNano = rate.perSecond() / 1e9;
        this.burst = rate.burst();
        this.tokens = rate.burst();
        this.updated = now;
    }

    /**
     * Takes the next token, now or in the future: 0 if one is there, else how many
     * nanoseconds until the one reserved is; -1, reserving none, when that is longer than
     * {@code most} nanoseconds.
     */
    synchronized long reserve(long now, long most) {
        tokens = Math.min(burst, tokens + (now - updated) * perNano);
        updated = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        long wait = (long) Math.ceil((1 - tokens) / perNano);
        if (wait > most) {
            return -1;
        }
        tokens -= 1;
        return wait;
    }

    /** Takes a token and returns 0, or returns how many nanoseconds until one is there (taking none). */
    synchronized long take(long now) {
        tokens = Math.min(burst, tokens + (now - updated) * perNano);
        updated = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / perNano);
    }
}
