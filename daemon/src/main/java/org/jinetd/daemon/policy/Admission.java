package org.jinetd.daemon.policy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jinetd.daemon.config.Cidr;
import org.jinetd.daemon.config.Limits;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.Peers;
import org.jinetd.handler.PeerCredentials;

/**
 * Decides, per connection, whether a service takes it: access lists first, then the global
 * limit, the service's instances and the client's share. One per listener; it counts the
 * service's live connections, in all and per source (a prefix, so that one IPv6 host with
 * a whole /64 counts once).
 */
public final class Admission {
    private final Object lock = new Object();
    private final Map<Cidr, Integer> bySource = new HashMap<>();
    private final Global global;
    private final RateGate rates;
    private int live;

    public Admission(Global global, RateGate rates) {
        this.global = global;
        this.rates = rates;
    }

    /** The outcome: a ticket to give back when the connection ends, or why not. */
    public sealed interface Verdict {
        /** @param delay nanoseconds the connection waits for its turn (its source's rate) before it is served */
        record Admitted(Ticket ticket, long delay) implements Verdict {}

        /** @param counted whether an episode of limiting has counted it already (no line of its own) */
        record Refused(String reason, boolean counted) implements Verdict {}
    }

    /** A place taken; {@link #release} gives it back, once, however often it is called. */
    public final class Ticket {
        private final Cidr source;
        private boolean released;

        private Ticket(Cidr source) {
            this.source = source;
        }

        public void release() {
            synchronized (lock) {
                if (released) {
                    return;
                }
                released = true;
                live--;
                if (source != null) {
                    bySource.computeIfPresent(source, (k, n) -> n == 1 ? null : n - 1);
                }
            }
            global.release();
        }
    }

    /**
     * Access lists, the global limit, the service's instances, the client's share, then its
     * source's rate: a connection may wait for its turn up to {@code rate_wait}, a datagram
     * cannot wait at all.
     *
     * @param peer        the client's address, or null where there is none (unix sockets)
     * @param credentials the client's credentials, for unix sockets
     * @param datagram    whether it is a datagram, which is dropped rather than delayed
     */
    public Verdict admit(InetAddress peer, Optional<PeerCredentials> credentials, Service service, boolean datagram) {
        var access = service.access();
        var limits = service.limits();
        var address = peer == null ? null : Peers.plain(peer);
        var refusal = address != null ? access.refusal(address) : access.refusal(credentials);
        if (refusal.isPresent()) {
            return new Verdict.Refused(refusal.get(), false);
        }
        var source = address == null || limits.perSource() == Limits.UNLIMITED ? null : source(address, limits);
        Ticket ticket;
        synchronized (lock) {
            if (live >= limits.instances()) {
                return new Verdict.Refused("instances", false);
            }
            if (source != null && bySource.getOrDefault(source, 0) >= limits.perSource()) {
                return new Verdict.Refused("per_source", false);
            }
            if (!global.take()) {
                return new Verdict.Refused("global", false);
            }
            live++;
            if (source != null) {
                bySource.merge(source, 1, Integer::sum);
            }
            ticket = new Ticket(source);
        }
        long now = System.nanoTime();
        long turn = rates.sourceTurn(service, address, now, datagram ? 0 : service.rates().maxWait().toNanos());
        if (turn < 0) {
            ticket.release();
            rates.sourceEpisode().refused(now);
            return new Verdict.Refused("rate_per_source", true);
        }
        if (turn > 0) {
            rates.sourceEpisode().delayed(now);
        }
        return new Verdict.Admitted(ticket, turn);
    }

    /** The prefix a client counts under, as {@code per_source_ipv4_prefix}/{@code _ipv6_prefix} say. */
    public static Cidr source(InetAddress address, Limits limits) {
        var plain = Peers.plain(address);
        return Cidr.around(plain, plain.getAddress().length == 4 ? limits.ipv4Prefix() : limits.ipv6Prefix());
    }

    /** Live connections now. */
    public int live() {
        synchronized (lock) {
            return live;
        }
    }
}
