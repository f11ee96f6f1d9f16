package org.jinetd.daemon.policy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jinetd.daemon.client.Client;
import org.jinetd.daemon.config.Cidr;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Limits;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.os.Credentials;

/**
 * Every decision to take, hold back or refuse a connection or datagram of one listener, in
 * the order they are met: when to accept at all (the service's rate, which holds the clients
 * in the kernel's queue), the global limit at accept, then, once the client is known, its
 * access lists, the service's instances, the client's share and its source's rate. It counts
 * the service's live connections, in all and per source (a prefix, so that one IPv6 host
 * with a whole /64 counts once).
 */
public final class Admission {
    private final Object lock = new Object();
    private final Map<Cidr, Integer> bySource = new HashMap<>();
    private final Global global;
    private final RateGate rates;
    private final Reflection reflection;
    private final Episode rateEpisode;
    private final Episode fromPort;
    private final Episode fromAddress;
    private int live;

    /**
     * @param service    the service as its listener starts (names its episodes)
     * @param reflection which datagram sources a handler never answers
     */
    public Admission(Service service, Global global, Reflection reflection, ConnectionLog log) {
        this.global = global;
        this.reflection = reflection;
        var rate = service.rates().service().map(r -> "rate %s/s reached".formatted(shown(r.perSecond())))
                .orElse("rate reached");
        this.rateEpisode = new Episode(service.name(), service.label(), rate, "rate", log);
        this.rates = new RateGate(new Episode(service.name(), service.label(), "rate_per_source reached",
                "rate_per_source", log));
        this.fromPort = new Episode(service.name(), service.label(),
                "datagrams from a server's port (a possible echo/chargen loop)", "source_port", log);
        this.fromAddress = new Episode(service.name(), service.label(),
                "datagrams from a broadcast, multicast or unspecified address", "source_address", log);
    }

    private static String shown(double perSecond) {
        return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
    }

    /** What a listener does next, by the service's rate. */
    public sealed interface Pace {
        /** Accept now. */
        record Take() implements Pace {}

        /** Accept nothing for this long: the clients wait in the kernel's queue meanwhile. */
        record Hold(long nanos) implements Pace {}

        /** The queue is longer than {@code rate_wait} allows: accept the next, and refuse it at once. */
        record Shed() implements Pace {}
    }

    private static final Pace TAKE = new Pace.Take();

    /**
     * Before an accept: the service's rate, a token bucket. Over it the listener takes nothing
     * for as long as the next token takes, unless the clients queued (when the kernel tells)
     * would wait longer than {@code rate_wait}: then the next one is accepted and refused.
     */
    public Pace pace(Service current, long now, java.util.function.IntSupplier queued) {
        long wait = rates.serviceWait(current, now);
        if (wait <= 0) {
            return TAKE;
        }
        var rate = current.rates().service().orElseThrow();
        int queue = queued.getAsInt();
        if (queue >= 0 && queue / rate.perSecond() > current.rates().maxWait().toNanos() / 1e9) {
            rateEpisode.refused(now);
            return new Pace.Shed();
        }
        rateEpisode.delayed(now);
        return new Pace.Hold(wait);
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
        }
    }

    /**
     * At accept, before anything else and before a thread is spent: {@code max_connections}
     * for the whole daemon. True if the connection may go on; {@link #leave} gives it back.
     */
    public boolean enter() {
        return global.take();
    }

    /** A connection that {@link #enter} let in has ended. */
    public void leave() {
        global.release();
    }

    /**
     * Access lists, the service's instances, the client's share, then its source's rate: a
     * connection may wait for its turn up to {@code rate_wait}, a datagram cannot wait at all.
     *
     * @param peer        the client's address, or null where there is none (unix sockets)
     * @param credentials the client's credentials, for unix sockets
     */
    public Verdict admit(InetAddress peer, Optional<Credentials> credentials, Service service) {
        return admit(peer, peer, credentials, service, false);
    }

    /**
     * A stream connection, from its client as identifying it fixed it. A balancer's client of
     * a unix socket has no address: it is in no prefix of {@code only_from} (refused) nor of
     * {@code no_access} (not refused by it), and counts, for {@code per_source} and
     * {@code rate_per_source}, as the balancer: all of them one source, as the balancer's own
     * unix socket makes them to it.
     */
    public Verdict admit(Client client, Service service) {
        if (client.ip() == null && client.relay().isPresent()) {
            if (!service.access().onlyFrom().isEmpty()) {
                return new Verdict.Refused("only_from", false);
            }
            return admit(null, client.relay().get().by().getAddress(), client.credentials(), service, false);
        }
        return admit(client.ip(), client.ip(), client.credentials(), service, false);
    }

    /**
     * A datagram from {@code peer}: for a handler, first whether answering it could make the
     * service a weapon (its source a server's port, or no single host); then the service's
     * rate, which drops what is over it; then as a connection, without a wait.
     */
    public Verdict admitDatagram(InetSocketAddress peer, Service service) {
        long now = System.nanoTime();
        if (service.launch() instanceof Launch.Datagrams) {
            var refusal = reflection.refusal(peer);
            if (refusal.isPresent()) {
                (refusal.get().equals("source_port") ? fromPort : fromAddress).refused(now);
                return new Verdict.Refused(refusal.get(), true);
            }
        }
        // A datagram cannot wait in a queue of ours: over the rate it is dropped, and counted.
        if (rates.serviceWait(service, now) > 0) {
            rateEpisode.refused(now);
            return new Verdict.Refused("rate", true);
        }
        return admit(peer.getAddress(), peer.getAddress(), Optional.empty(), service, true);
    }

    /**
     * @param peer      the address the access lists judge; null where there is none
     * @param countedAs the address whose source is counted and paced; null where none is
     */
    private Verdict admit(InetAddress peer, InetAddress countedAs, Optional<Credentials> credentials, Service service,
                          boolean datagram) {
        var access = service.access();
        var limits = service.limits();
        var judged = peer == null ? null : Peers.plain(peer);
        var refusal = judged != null ? access.refusal(judged) : access.refusal(credentials);
        if (refusal.isPresent()) {
            return new Verdict.Refused(refusal.get(), false);
        }
        var address = countedAs == null ? null : Peers.plain(countedAs);
        var source = address == null || limits.perSource() == Limits.UNLIMITED ? null : source(address, limits);
        Ticket ticket;
        synchronized (lock) {
            if (live >= limits.instances()) {
                return new Verdict.Refused("instances", false);
            }
            if (source != null && bySource.getOrDefault(source, 0) >= limits.perSource()) {
                return new Verdict.Refused("per_source", false);
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

    /** Live connections of the service now. */
    public int live() {
        synchronized (lock) {
            return live;
        }
    }

    /** Whether a rate holds connections back now. */
    public boolean limited() {
        return rateEpisode.active() || rates.sourceEpisode().active();
    }
}
