package org.jinetd.daemon.launch;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.daemon.client.Client;
import org.jinetd.daemon.client.Identification;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.policy.Admission;
import org.jinetd.daemon.tls.Session;
import org.jinetd.daemon.tls.TlsChannel;

/**
 * A stream connection on its way through the daemon ({@link Way}): what accept gave it, and
 * what each step has fixed since, each once: who it is from (identify), its place and its
 * turn (admit). Its steps run one after another, never two at once.
 */
public final class Passage {
    private final Service service;
    private final SocketChannel channel;
    private final SocketAddress local;
    private final long since;
    private final Admission admission;
    private final Shortage spawns;
    private final Ending ending;
    private Client client;
    private Identification.Begun begun = Identification.Begun.NOTHING;
    private long delay;
    /** What the launch talks through: the socket, or TLS over it once secured. */
    private java.nio.channels.ByteChannel plain;
    private TlsChannel tls;

    /**
     * A connection just accepted, which has its place in {@code max_connections}.
     *
     * @param service   the service as it was when the connection came
     * @param channel   the connection, blocking
     * @param peer      the socket's peer, which only the log names until it is identified
     * @param local     the address it reached (for a unix socket, the table's path)
     * @param admission the service's policy, which counts it from admission on
     * @param spawns    where a spawn that fails for want of processes or memory is reported
     * @param since     {@link System#nanoTime()} at accept
     */
    public Passage(Service service, SocketChannel channel, SocketAddress peer, SocketAddress local, Admission admission,
                   Shortage spawns, long since, ConnectionLog log) {
        this.service = Objects.requireNonNull(service, "service");
        this.channel = channel;
        this.local = local;
        this.since = since;
        this.admission = admission;
        this.spawns = spawns;
        this.ending = Ending.accepted(service, channel, admission, peer, since, log);
        this.plain = channel;
    }

    public Service service() {
        return service;
    }

    /** The connection's socket, blocking. */
    SocketChannel channel() {
        return channel;
    }

    SocketAddress local() {
        return local;
    }

    long since() {
        return since;
    }

    Admission admission() {
        return admission;
    }

    Shortage spawns() {
        return spawns;
    }

    /** The one way it ends. */
    Ending ending() {
        return ending;
    }

    /** Who it is from; only once identified. */
    Client client() {
        if (client == null) {
            throw new IllegalStateException("not identified yet");
        }
        return client;
    }

    void identified(Client who) {
        if (client != null) {
            throw new IllegalStateException("identified twice");
        }
        client = who;
        ending.identified(who.address(), who.relay().map(Client.Relay::by), who.credentials());
    }

    /** What was taken of its balancer's header before the rest of it came. */
    Identification.Begun begun() {
        return begun;
    }

    void begun(Identification.Begun taken) {
        begun = taken;
    }

    /**
     * What the client sent after its balancer's header, taken off the socket with it: the
     * launch reads these bytes first, then the socket's.
     */
    void readAhead(java.nio.ByteBuffer after) {
        if (plain != channel) {
            throw new IllegalStateException("read ahead of a channel other than the socket");
        }
        plain = new ReadAhead(after, channel);
    }

    /** Nanoseconds it waits for its turn by its source's rate, as admission said. */
    long delay() {
        return delay;
    }

    void admitted(Admission.Ticket ticket, long turn) {
        ending.admitted(ticket);
        delay = turn;
    }

    /** What the launch reads and writes: the socket, or, after a handshake, TLS over it. */
    java.nio.channels.ByteChannel plain() {
        return plain;
    }

    /** The TLS session, where the service has {@code tls:} and the handshake is done. */
    Optional<Session> tls() {
        return Optional.ofNullable(tls).map(TlsChannel::session);
    }

    void secured(TlsChannel channel) {
        tls = channel;
        plain = channel;
        ending.secured(channel);
    }

    /** Ends the writing side of the connection (TLS: close_notify), so the client sees end-of-stream while it may still send. */
    void shutdownOutput() throws java.io.IOException {
        if (tls != null) {
            tls.shutdownOutput();
        } else {
            channel.shutdownOutput();
        }
    }

    /**
     * What serves it is done: under TLS, close_notify goes out before the end, so that the
     * client can tell this end from a cut (openssl and curl report a cut as "unexpected eof"),
     * waiting at most a second for a client that reads nothing, as TLS's close does. A plain
     * connection says nothing more: its end says it. A client already gone changes nothing.
     */
    void done() {
        if (tls != null) {
            try {
                tls.close();
            } catch (java.io.IOException e) {
                // Gone, or its side closed both ways (TLS 1.2): it learns nothing more either way.
            }
        }
    }

    /** Ends it as refused: see {@link Ending#refuse}. */
    void refuse(String reason, boolean logged, Optional<String> why) {
        ending.refuse(reason, logged, why);
    }
}
