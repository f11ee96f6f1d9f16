package org.jinetd.daemon.launch;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jinetd.daemon.config.PluginJar;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.Ended;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.policy.Admission;
import org.jinetd.daemon.launch.program.Exit;
import org.jinetd.daemon.launch.program.Signals;

/**
 * The one way a connection ends, whatever served it (a handler, a program on its socket or
 * on pipes, a redirect, a program per datagram, a program in wait mode): its socket
 * closed, its place in the limits given back, its one log line, and only then its live
 * entry gone, so that whoever waits for the daemon to be idle finds the line written.
 * Only the first end counts, however many ways reach it (a timeout, a stop, the program's
 * exit). Ending the program itself is the live entry's abort; this is what follows.
 *
 * <p>A connection served by a plugin's handler holds that plugin's jar from here to its end,
 * so that a reload that replaces the jar closes the old one only after its last connection.
 */
final class Ending {
    private final ConnectionLog log;
    private final String service;
    private final SocketAddress peer;
    private final long since;
    /** Closes the connection's socket; nothing where the socket is not the connection's own. */
    private final Runnable close;
    /** Null where the connection holds no place (wait mode). */
    private final Admission.Ticket ticket;
    /** The plugin jar whose code serves it, held until it ends; null for any other. */
    private final PluginJar plugin;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile Live.Entry entry;

    private Ending(ConnectionLog log, String service, SocketAddress peer, long since, Runnable close,
                   Admission.Ticket ticket, Optional<PluginJar> plugin) {
        this.log = log;
        this.service = service;
        this.peer = peer;
        this.since = since;
        this.close = close;
        this.ticket = ticket;
        // The listener takes this hold before its table can let go of the jar (see Listener.update);
        // a jar closed all the same has no classes left to give, and the handler's failure says so.
        this.plugin = plugin.isPresent() && plugin.get().hold() ? plugin.get() : null;
    }

    /** A stream connection an accept loop admitted: made on the listener's thread, before anything runs. */
    static Ending of(Accepted accepted, ConnectionLog log) {
        return new Ending(log, accepted.service().name(), accepted.peer(), accepted.since(),
                () -> StreamLauncher.close(accepted), accepted.ticket(), accepted.service().launch().plugin());
    }

    /** A datagram: the socket is the listener's, not its own. Made on the listener's thread. */
    static Ending of(Received received, ConnectionLog log) {
        return new Ending(log, received.service().name(), received.peer(), received.since(), () -> { },
                received.ticket(), received.service().launch().plugin());
    }

    /** A program in wait mode: it has the listening socket, and no client of ours. */
    static Ending waiting(String service, long since, ConnectionLog log) {
        return new Ending(log, service, null, since, () -> { }, null, Optional.empty());
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
        end(pid, status, signal, reason, error);
    }

    void end(OptionalLong pid, OptionalLong status, Optional<String> signal, Optional<String> reason,
             Optional<String> error) {
        end(pid, status, signal, reason, error, Optional.empty());
    }

    private void end(OptionalLong pid, OptionalLong status, Optional<String> signal, Optional<String> reason,
                     Optional<String> error, Optional<String> trace) {
        if (release()) {
            log.ended(new Ended(service, peer, pid, status, signal, reason, error, trace,
                    Duration.ofNanos(System.nanoTime() - since)));
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
        close.run();
        if (ticket != null) {
            ticket.release();
        }
        if (plugin != null) {
            plugin.release();
        }
        return true;
    }

    private void leave() {
        var live = entry;
        if (live != null) {
            live.close();
        }
    }
}
