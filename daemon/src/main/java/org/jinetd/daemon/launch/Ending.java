package org.jinetd.daemon.launch;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jinetd.daemon.config.PluginJar;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.launch.program.Exit;
import org.jinetd.daemon.launch.program.Signals;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.Ended;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.policy.Admission;

/**
 * The one way a connection ends, whatever served it (a handler, a program on its socket or
 * on pipes, a redirect, a program per datagram, a program in wait mode) and at whatever step
 * it ends (refused, a bad PROXY header, its program's exit): its socket closed, its places in
 * the limits given back, its one log line, and only then its live entry gone, so that
 * whoever waits for the daemon to be idle finds the line written. Only the first end counts,
 * however many ways reach it (a timeout, a stop, the program's exit). Ending the program
 * itself is the live entry's abort; this is what follows.
 *
 * <p>A connection served by a plugin's handler holds that plugin's jar from its accept to its
 * end, so that a reload that replaces the jar closes the old one only after its last connection.
 */
final class Ending {
    private final ConnectionLog log;
    private final String service;
    private final long since;
    /** The connection's own socket, closed here and nowhere else; null where it has none (datagrams, wait mode). */
    private final SocketChannel socket;
    /** Where it holds a place in max_connections; null where it holds none (wait mode). */
    private final Admission admission;
    /** The plugin jar whose code serves it, held until it ends; null for any other. */
    private final PluginJar plugin;
    /**
     * What a refused client reads first: {@code banner_fail}, but never with {@code tls:}, whose
     * clients are refused before a handshake and would read plaintext as a broken record.
     */
    private final Optional<String> refusal;
    private final AtomicBoolean over = new AtomicBoolean();
    /** Whether its places in the limits were given back. */
    private final AtomicBoolean placesGiven = new AtomicBoolean();
    /** Its place in the service's limits, once admitted. */
    private volatile Admission.Ticket ticket;
    /** Who it is from, as the log names it: the socket's peer until identified, then the client. */
    private volatile SocketAddress peer;
    /** The balancer it came through, where a PROXY header said. */
    private volatile SocketAddress via;
    /** A unix socket's client: who connected (SO_PEERCRED), which the log names beside its path. */
    private volatile org.jinetd.daemon.os.Credentials credentials;
    /** Its TLS session, where it had one: what the handshake agreed on, and whether the client broke it. */
    private volatile org.jinetd.daemon.tls.TlsChannel tls;
    private volatile Live.Entry entry;

    private Ending(ConnectionLog log, Service service, long since, SocketChannel socket, Admission admission,
                   SocketAddress peer, Optional<PluginJar> plugin) {
        this.log = log;
        this.service = service.name();
        this.refusal = service.tls().isPresent() ? Optional.empty() : service.banners().fail();
        this.since = since;
        this.socket = socket;
        this.admission = admission;
        this.peer = peer;
        // The listener takes this hold before its table can let go of the jar (see Listener.update);
        // a jar closed all the same has no classes left to give, and the handler's failure says so.
        this.plugin = plugin.isPresent() && plugin.get().hold() ? plugin.get() : null;
    }

    /**
     * A stream connection just accepted, which holds a place in max_connections: made on the
     * listener's thread, before anything of it is read.
     *
     * @param peer the socket's peer, which the log names until the client is identified
     */
    static Ending accepted(Service service, SocketChannel socket, Admission admission, SocketAddress peer, long since,
                           ConnectionLog log) {
        return new Ending(log, service, since, socket, admission, peer, service.launch().plugin());
    }

    /**
     * Refuses a connection at accept, before it has a place anywhere (max_connections, or the
     * service's rate shedding what its queue cannot hold): the same refusal as at any later step.
     */
    static void refuseAtAccept(Service service, SocketChannel socket, SocketAddress peer, String reason,
                                      boolean logged, ConnectionLog log) {
        new Ending(log, service, System.nanoTime(), socket, null, peer, Optional.empty())
                .refuse(reason, logged, Optional.empty());
    }

    /** A datagram let in and admitted: the socket is the listener's, not its own. Made on the listener's thread. */
    static Ending of(Received received, Admission admission, ConnectionLog log) {
        var ending = new Ending(log, received.service(), received.since(), null, admission, received.peer(),
                received.service().launch().plugin());
        ending.admitted(received.ticket());
        return ending;
    }

    /** A program in wait mode: it has the listening socket, and no client of ours. */
    static Ending waiting(Service service, long since, ConnectionLog log) {
        return new Ending(log, service, since, null, null, null, Optional.empty());
    }

    /** Who it is from, now known: the log names the client, and the balancer it came through. */
    void identified(SocketAddress client, Optional<? extends SocketAddress> relay,
                    Optional<org.jinetd.daemon.os.Credentials> credentials) {
        this.peer = client;
        this.via = relay.orElse(null);
        this.credentials = credentials.orElse(null);
    }

    /** Its TLS handshake is done: the line says what it agreed on. */
    void secured(org.jinetd.daemon.tls.TlsChannel session) {
        this.tls = session;
    }

    /** It holds a place in its service's limits from now on. */
    void admitted(Admission.Ticket place) {
        this.ticket = place;
    }

    /** From now on the connection is live: its entry goes when it ends. */
    Ending live(Live.Entry live) {
        this.entry = live;
        return this;
    }

    /** Its live entry, once it has one. */
    Live.Entry entry() {
        return entry;
    }

    /** Who it is from, as the log names it now. */
    SocketAddress peer() {
        return peer;
    }

    /** Whether it has ended. */
    boolean over() {
        return over.get();
    }

    /** Ends a connection that ran no program. */
    void end(Optional<String> reason, Optional<String> error) {
        end(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), reason, error, Optional.empty());
    }

    /**
     * Ends a connection whose handler, or the way to it, threw {@code thrown}: its one line has
     * the error and where it was thrown, each a quoted value.
     */
    void threw(Throwable thrown) {
        end(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty(),
                Optional.of(LogText.describe(thrown)), Optional.of(LogText.trace(thrown)));
    }

    /** Ends a connection whose program ended as {@code exit} (null if it never started). */
    void end(OptionalLong pid, Exit exit, Optional<String> reason, Optional<String> error) {
        var status = exit == null || exit.status().isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(exit.status().getAsInt());
        Optional<String> signal = exit == null || exit.signal().isEmpty() ? Optional.empty()
                : Optional.of(Signals.name(exit.signal().getAsInt()));
        end(pid, status, signal, reason, error, Optional.empty());
    }

    /** Ends a connection whose program ended with {@code status} or {@code signal}. */
    void end(OptionalLong pid, OptionalLong status, Optional<String> signal, Optional<String> reason,
             Optional<String> error) {
        end(pid, status, signal, reason, error, Optional.empty());
    }

    private void end(OptionalLong pid, OptionalLong status, Optional<String> signal, Optional<String> reason,
                     Optional<String> error, Optional<String> trace) {
        if (release()) {
            var channel = tls;
            var session = channel == null ? null : channel.session();
            var secured = session == null ? Optional.<Ended.Tls>empty() : Optional.of(new Ended.Tls(session.protocol(),
                    session.cipherSuite(), session.serverName(), session.resumed()));
            // A client that broke its session (asked to renegotiate) is why it ended, whatever served it saw.
            var why = reason.isPresent() || channel == null ? reason : channel.cut();
            log.ended(new Ended(service, peer, Optional.ofNullable(via), Optional.ofNullable(credentials), secured, pid,
                    status, signal, why, error, trace, Duration.ofNanos(System.nanoTime() - since)));
            leave();
        }
    }

    /**
     * Refuses it, at whatever step: its refusal banner (what fits in the socket's buffer, never
     * waiting on the client), the socket closed, and its line unless an episode of limiting has
     * counted it ({@code logged} false).
     *
     * @param why what was wrong, where there is more to say than the reason ({@code refused=proxy})
     */
    void refuse(String reason, boolean logged, Optional<String> why) {
        if (socket != null && !over.get()) {
            try {
                socket.configureBlocking(false);
                if (refusal.isPresent()) {
                    socket.write(ByteBuffer.wrap(refusal.get().getBytes(StandardCharsets.UTF_8)));
                }
                // Closing with unread bytes sends a reset, which can overtake the banner: read what came.
                socket.read(ByteBuffer.allocate(4096));
            } catch (java.io.IOException | RuntimeException e) {
                // It is being refused anyway.
            }
        }
        if (release()) {
            if (logged) {
                log.refused(service, Peers.shown(peer), Optional.ofNullable(via).map(Peers::shown),
                        Optional.ofNullable(credentials), reason, why);
            }
            leave();
        }
    }

    /**
     * Ends it without a line of its own: it is counted elsewhere (a datagram served by a
     * handler, a spawn that failed for want of processes, which its episode counts).
     */
    void endCounted() {
        if (release()) {
            leave();
        }
    }

    private boolean release() {
        if (!over.compareAndSet(false, true)) {
            return false;
        }
        close();
        giveBack();
        if (plugin != null) {
            plugin.release();
        }
        return true;
    }

    /**
     * Its program has ended: its places in the limits are given back, then the socket is closed,
     * so that a client that connects again as soon as it sees the end finds its place free; the
     * line comes once the program is reaped ({@link #end}).
     */
    void programEnded() {
        giveBack();
        close();
    }

    /** Its places in the service's limits (instances, per_source, max_connections), given back once. */
    private void giveBack() {
        if (!placesGiven.compareAndSet(false, true)) {
            return;
        }
        var place = ticket;
        if (place != null) {
            place.release();
        }
        if (admission != null) {
            admission.leave();
        }
    }

    /** Closes the connection's socket: here alone, whoever else holds a copy (a program, its spawner). */
    void close() {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (java.io.IOException e) {
            // Closing a socket that already failed: nothing left to do with it.
        }
    }

    private void leave() {
        var live = entry;
        if (live != null) {
            live.close();
        }
    }
}
