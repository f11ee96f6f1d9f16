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
    private int live;

    public Admission(Global global) {
        this.global = global;
    }

    /** The outcome: a ticket to give back when the connection ends, or why not. */
    public sealed interface Verdict {
        record Admitted(Ticket ticket) implements Verdict {}

        record Refused(String reason) implements Verdict {}
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
     * @param peer        the client's address, or null where there is none (unix sockets)
     * @param credentials the client's credentials, for unix sockets
     */
    public Verdict admit(InetAddress peer, Optional<PeerCredentials> credentials, Service service) {
        var access = service.access();
        var limits = service.limits();
        var address = peer == null ? null : Peers.plain(peer);
        var refusal = address != null ? access.refusal(address) : access.refusal(credentials);
        if (refusal.isPresent()) {
            return new Verdict.Refused(refusal.get());
        }
        var source = address == null || limits.perSource() == Limits.UNLIMITED ? null : source(address, limits);
        synchronized (lock) {
            if (live >= limits.instances()) {
                return new Verdict.Refused("instances");
            }
            if (source != null && bySource.getOrDefault(source, 0) >= limits.perSource()) {
                return new Verdict.Refused("per_source");
            }
            if (!global.take()) {
                return new Verdict.Refused("global");
            }
            live++;
            if (source != null) {
                bySource.merge(source, 1, Integer::sum);
            }
            return new Verdict.Admitted(new Ticket(source));
        }
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
