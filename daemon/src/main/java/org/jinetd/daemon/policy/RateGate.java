package org.jinetd.daemon.policy;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jinetd.daemon.config.Cidr;
import org.jinetd.daemon.config.Rate;
import org.jinetd.daemon.config.Service;

/**
 * The rates of one listener: the service's bucket, which the accept loop waits on (the
 * kernel's queue holds the clients meanwhile), and one bucket per source, from which
 * {@link Admission} reserves each client's turn, up to {@code rate_wait} ahead.
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

    /**
     * The client's turn by its source's rate: 0 to go on now, the nanoseconds to wait for
     * the token reserved for it, or -1 when that would be longer than {@code most}.
     */
    long sourceTurn(Service current, InetAddress peer, long now, long most) {
        var rate = current.rates().perSource();
        if (rate.isEmpty() || peer == null) {
            return 0;
        }
        return bucket(current, rate.get(), peer, now).reserve(now, most);
    }

    private synchronized TokenBucket bucket(Service current, Rate rate, InetAddress peer, long now) {
        if (!rate.equals(sourceRate)) {
            sourceRate = rate;
            sources.clear();
        }
        return sources.computeIfAbsent(Admission.source(peer, current.limits()), k -> new TokenBucket(sourceRate, now));
    }

    /** Sources with a bucket now. */
    synchronized int sources() {
        return sources.size();
    }
}
