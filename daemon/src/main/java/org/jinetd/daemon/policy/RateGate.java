package org.jinetd.daemon.policy;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jinetd.daemon.config.Cidr;
import org.jinetd.daemon.config.Rate;
import org.jinetd.daemon.config.Service;

/**
 * The rates of one listener: the service's bucket, which the accept loop waits on (the
 * kernel's queue holds the clients meanwhile), and one bucket per source, which a
 * connection waits on up to {@code rate_wait}.
 */
public final class RateGate {
    /**
     * Buckets kept for at most this many sources; past it, the source heard from least
     * recently is forgotten, so that no number of clients grows the table or the work per client.
     */
    static final int MAX_SOURCES = 65_536;

    private final Episode sourceEpisode;
    private TokenBucket service;
    private Rate serviceRate;
    private final Map<Cidr, TokenBucket> sources = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Cidr, TokenBucket> eldest) {
            return size() > MAX_SOURCES;
        }
    };
    private Rate sourceRate;

    /** @param sourceEpisode counts the connections held back or refused for their source's rate */
    public RateGate(Episode sourceEpisode) {
        this.sourceEpisode = sourceEpisode;
    }

    public Episode sourceEpisode() {
        return sourceEpisode;
    }

    /** Nanoseconds the listener must wait before it accepts again; 0 to accept now. */
    public synchronized long serviceWait(Service current, long now) {
        var rate = current.rates().service();
        if (rate.isEmpty()) {
            return 0;
        }
        if (!rate.get().equals(serviceRate)) {
            serviceRate = rate.get();
            service = new TokenBucket(serviceRate, now);
        }
        return service.take(now);
    }

    /** Nanoseconds this source must wait for its turn; 0 to go on now. */
    public long sourceWait(Service current, InetAddress peer, long now) {
        var rate = current.rates().perSource();
        if (rate.isEmpty() || peer == null) {
            return 0;
        }
        TokenBucket bucket;
        synchronized (this) {
            if (!rate.get().equals(sourceRate)) {
                sourceRate = rate.get();
                sources.clear();
            }
            bucket = sources.computeIfAbsent(Admission.source(peer, current.limits()),
                    k -> new TokenBucket(sourceRate, now));
        }
        return bucket.take(now);
    }

    /** Sources with a bucket now. */
    synchronized int sources() {
        return sources.size();
    }

    /** Whether waiting {@code nanos} stays within {@code rate_wait}. */
    public static boolean withinWait(Service current, long nanos) {
        return nanos <= current.rates().maxWait().toNanos();
    }
}
