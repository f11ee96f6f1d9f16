package org.jinetd.daemon;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.config.ServiceTable;
import org.jinetd.daemon.control.Reloaded;
import org.jinetd.daemon.launch.DatagramLauncher;
import org.jinetd.daemon.launch.Live;
import org.jinetd.daemon.launch.Spawner;
import org.jinetd.daemon.launch.Way;
import org.jinetd.daemon.launch.program.Setup;
import org.jinetd.daemon.listen.BindException;
import org.jinetd.daemon.listen.Listener;
import org.jinetd.daemon.listen.Passed;
import org.jinetd.daemon.listen.Served;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.policy.Global;
import org.jinetd.daemon.policy.Reflection;
import org.jinetd.daemon.policy.ReplyBudget;
import org.jinetd.daemon.tls.ServerContexts;
import org.jinetd.daemon.launch.spawner.SpawnerLink;
import org.jinetd.daemon.launch.spawner.UserSpawners;

/**
 * A running super-server: every enabled service of a table bound and listening, and the
 * connections they have. {@link #start} binds all or none; {@link #reload} moves to a new
 * table without closing a socket that stays; {@link #stop} drains.
 */
public final class Daemon implements AutoCloseable {
    private final ConnectionLog log;
    private final Live live;
    private final Spawner spawner;
    private final Served served;
    private final List<Listener> listeners;
    private final Passed passed;
    private volatile ServiceTable table;
    /** When the table was applied, and how its file looked then. */
    private volatile TableFiles applied;
    /** Services of the table that could not listen at the last reload, with why. */
    private volatile java.util.Map<String, String> failed = java.util.Map.of();
    private final long started = System.nanoTime();
    private boolean stopped;

    /** Every listener could not be bound: one message per service that failed. */
    public static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final List<String> failures;

        StartFailure(List<String> failures) {
            super(String.join("\n", failures));
            this.failures = List.copyOf(failures);
        }

        public List<String> failures() {
            return failures;
        }
    }

    private Daemon(ServiceTable table, ConnectionLog log, Live live, Spawner spawner, Served served,
                   List<Listener> listeners, Passed passed) {
        this.passed = passed;
        this.table = table;
        this.applied = TableFiles.now(table.sources().read());
        this.log = log;
        this.live = live;
        this.spawner = spawner;
        this.served = served;
        this.listeners = listeners;
    }

    /**
     * Binds every enabled service, then starts them all; if any cannot bind, none is left
     * open and every failure is reported.
     */
    public static Daemon start(ServiceTable table, ConnectionLog log) throws StartFailure {
        return start(table, log, Passed.none());
    }

    /** As {@link #start(ServiceTable, ConnectionLog)}, with the listening sockets systemd passed in. */
    public static Daemon start(ServiceTable table, ConnectionLog log, Passed passed) throws StartFailure {
        return start(table, log, passed, Optional.empty(), daemon -> { });
    }

    /**
     * As {@link #start(ServiceTable, ConnectionLog, Passed)}, with {@code beforeReady} given the
     * daemon once it listens and before its {@code ready:} line: what else must be up once a
     * reader of the log sees that line (the control socket, so that {@code jinetd status} answers).
     */
    public static Daemon start(ServiceTable table, ConnectionLog log, Passed passed,
                               java.util.function.Consumer<Daemon> beforeReady) throws StartFailure {
        return start(table, log, passed, Optional.empty(), beforeReady);
    }

    /** As {@link #start(ServiceTable, ConnectionLog)}, with spawners of other users started as {@code spawners} says. */
    static Daemon start(ServiceTable table, ConnectionLog log, UserSpawners.Settings spawners) throws StartFailure {
        return start(table, log, Passed.none(), Optional.of(spawners), daemon -> { });
    }

    private static Daemon start(ServiceTable table, ConnectionLog log, Passed passed,
                                Optional<UserSpawners.Settings> spawners,
                                java.util.function.Consumer<Daemon> beforeReady) throws StartFailure {
        OpenFiles.warmPoller();
        HeldPlugins.hold(table);
        var live = new Live();
        var spawner = new Spawner(live, log, spawners);
        var replies = new ReplyBudget(table.datagramReplyRate(), log);
        var contexts = new ServerContexts();
        contexts.apply(table.enabled());
        var served = new Served(new Way(live, log, spawner, contexts), new DatagramLauncher(live, log, spawner, replies),
                spawner, new Global(table.maxConnections()), new Reflection(), replies, contexts, log);
        var bound = new ArrayList<Listener>();
        var failures = new ArrayList<String>();
        for (var service : table.enabled()) {
            try {
                bound.add(bind(service, served, spawner, passed));
            } catch (BindException e) {
                failures.add(table.sources().at(service.name()) + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            bound.forEach(Listener::close);
            spawner.close();
            HeldPlugins.release(table);
            failures.forEach(log::warn);
            throw new StartFailure(failures);
        }
        served.reflection().servicePorts(udpPorts(bound));
        var daemon = new Daemon(table, log, live, spawner, served, bound, passed);
        OpenFiles.descriptorsFor(table.maxConnections(), spawner.setup().reachable()).ifPresent(log::warn);
        warnings(table, log);
        passed.unclaimed().forEach(address -> log.warn("systemd passed a socket on " + address
                + " that no service listens on; it stays unused"));
        bound.forEach(Listener::start);
        beforeReady.accept(daemon);
        log.note("ready: %d service%s listening (%s)".formatted(bound.size(), bound.size() == 1 ? "" : "s",
                String.join(", ", bound.stream().map(l -> l.service().label() + " " + shown(l)).toList())));
        return daemon;
    }

    /**
     * What a table is warned of, at start and at each reload: the compiler its TLS handshakes
     * run under, and what {@code check} warns of (a certificate near its end, a key a wide group
     * reads, a deferred accept where the server speaks first).
     */
    private static void warnings(ServiceTable table, ConnectionLog log) {
        Compilers.forTls(table).ifPresent(log::warn);
        var now = java.time.Instant.now();
        for (var service : table.enabled()) {
            service.tls().ifPresent(tls -> tls.warnings(now)
                    .forEach(warning -> log.warn(service.name() + ": " + warning)));
            service.deferredFirstWords().ifPresent(warning -> log.warn(service.name() + ": " + warning));
        }
    }

    private static Listener bind(Service service, Served served, Spawner spawner, Passed passed)
            throws BindException {
        if (service.launch() instanceof Launch.Exec exec && (exec.waits() || exec.listenFds()) && !spawner.inherits()) {
            throw new BindException("%s: %s needs the socket itself (io=inherit), which is not available here"
                    .formatted(service.label(), exec.waits() ? "wait: true" : "listen_fds: true"), null);
        }
        return Listener.bind(service, served, passed);
    }

    /**
     * Moves to {@code next}: a service whose socket can stay keeps it and takes its new
     * settings for new connections (no client is refused meanwhile); a service gone stops
     * listening while its live connections run to their end; a new one starts listening.
     * A new service that cannot listen is reported; the rest applies.
     */
    public synchronized Reloaded reload(ServiceTable next) {
        if (stopped) {
            throw new IllegalStateException("stopped");
        }
        var kept = new ArrayList<String>();
        var added = new ArrayList<String>();
        var removed = new ArrayList<String>();
        var failed = new ArrayList<String>();
        var failedByName = new java.util.TreeMap<String, String>();
        // The new table's plugin jars are held before any listener takes it, the old table's let
        // go only once every listener has moved on: a jar both use is never closed in between.
        HeldPlugins.hold(next);
        // Before any listener takes the new table: new handshakes get the new certificates at
        // once, live connections keep theirs, and a new service has its context from its start.
        served.contexts().apply(next.enabled());
        var remaining = new ArrayList<>(listeners);
        var fresh = new ArrayList<Listener>();
        var wanted = next.enabled();
        for (var service : wanted) {
            var same = remaining.stream().filter(l -> l.service().name().equals(service.name()) && l.keeps(service))
                    .findFirst().or(() -> remaining.stream().filter(l -> l.keeps(service)).findFirst());
            if (same.isPresent()) {
                same.get().update(service);
                remaining.remove(same.get());
                fresh.add(same.get());
                kept.add(service.name());
            }
        }
        // What goes: its socket closes first, so that a new service may take the same address.
        for (var gone : remaining) {
            gone.close();
            removed.add(gone.service().name());
            if (gone.service().endpoint().transport() == org.jinetd.daemon.config.Transport.UDP) {
                // Its programs answer through the socket just closed: nothing they send can arrive
                // (a stream connection has a socket of its own, and runs to its end).
                live.entries().stream().filter(e -> e.service().equals(gone.service().name()))
                        .forEach(e -> e.abort("removed"));
            }
        }
        for (var service : wanted) {
            if (kept.contains(service.name())) {
                continue;
            }
            try {
                var listener = bind(service, served, spawner, passed);
                listener.start();
                fresh.add(listener);
                added.add(service.name());
            } catch (BindException e) {
                // Where the service is written, so that the admin sees the line to change.
                var why = next.sources().at(service.name()) + e.getMessage();
                failed.add(why);
                failedByName.put(service.name(), why);
            }
        }
        this.failed = java.util.Map.copyOf(failedByName);
        listeners.clear();
        listeners.addAll(fresh);
        served.global().limit(next.maxConnections());
        served.replies().limit(next.datagramReplyRate());
        // A spawner keeps the groups its user had when it started: the next program gets a new one.
        spawner.retireSpawners();
        served.reflection().servicePorts(udpPorts(fresh));
        var before = table;
        table = next;
        HeldPlugins.letGo(before, next, log);
        applied = TableFiles.now(next.sources().read());
        var result = new Reloaded(kept, added, removed, failed);
        failed.forEach(log::warn);
        warnings(next, log);
        log.note("reloaded %s: %s".formatted(next.file(), result.summary()));
        return result;
    }

    /**
     * The ports every UDP service of the table is bound to, whatever serves it: a datagram
     * handler never answers one of them, or a forged datagram would set it and that service
     * answering each other.
     */
    private static java.util.Set<Integer> udpPorts(List<Listener> listeners) {
        var ports = new java.util.HashSet<Integer>();
        for (var listener : listeners) {
            if (listener.service().endpoint().transport() == org.jinetd.daemon.config.Transport.UDP
                    && address(listener).orElse(null) instanceof java.net.InetSocketAddress bound) {
                ports.add(bound.getPort());
            }
        }
        return ports;
    }

    private static String shown(Listener listener) {
        return address(listener).map(Peers::shown).orElse(listener.service().endpoint().shown());
    }

    private static Optional<SocketAddress> address(Listener listener) {
        try {
            return Optional.of(listener.address());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The address a service's socket is bound to, as the system reports it. */
    public synchronized Optional<SocketAddress> address(String service) {
        return listeners.stream().filter(l -> l.service().name().equals(service)).findFirst()
                .flatMap(Daemon::address);
    }

    /** The listeners now, for status. */
    public synchronized List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    /** Services that could not listen at the last reload, with the reason. */
    public java.util.Map<String, String> failed() {
        return failed;
    }

    /** The live connections now, for status. */
    public List<Live.Entry> connections() {
        return live.entries();
    }

    /** How long it has been running. */
    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The log this daemon writes to, with its counts. */
    public ConnectionLog log() {
        return log;
    }

    /** Programs spawned natively and not yet reaped. */
    public int children() {
        return spawner.children();
    }

    /** What every program gets besides its service's asks: the limit of open files. */
    Setup setup() {
        return spawner.setup();
    }

    /** The spawners running now, as status shows them. */
    java.util.List<SpawnerLink.Facts> spawnerFacts() {
        return spawner.spawners();
    }

    /** A count that moves whenever a connection or datagram is admitted, ends or is refused. */
    public long activity() {
        return served.global().admitted() + log.tally().events();
    }

    /** Live connections (and datagrams being served, and programs in wait mode) now. */
    public int live() {
        return running();
    }

    public ServiceTable table() {
        return table;
    }

    /** When the table now served was applied. */
    public java.time.Instant applied() {
        return applied.at();
    }

    /**
     * Whether the table's file, a file it includes, or a directory its includes glob has changed
     * (or gone) since it was applied: a reload would read another.
     */
    public boolean tableChanged() {
        return applied.changed();
    }

    /**
     * Stops listening, lets live connections finish within the table's {@code shutdown_grace},
     * then ends the rest. Returns the number of connections that had to be ended.
     */
    public synchronized int stop() {
        if (stopped) {
            return 0;
        }
        stopped = true;
        listeners.forEach(Listener::close);
        var grace = table.shutdownGrace();
        int left = 0;
        try {
            int running = running();
            if (running > 0) {
                log.note("stop: not listening; %d connection%s live, given %s to finish".formatted(running,
                        running == 1 ? "" : "s", shownDuration(grace)));
            }
            if (!awaitDone(grace)) {
                left = running();
                log.warn("stop: %d connection%s still live after %s; ending them".formatted(left,
                        left == 1 ? "" : "s", shownDuration(grace)));
                live.abortAll();
                // Programs that ignore SIGTERM get SIGKILL after their kill_grace.
                var killGrace = table.services().stream().map(s -> s.timeouts().killGrace())
                        .max(Duration::compareTo).orElse(Duration.ZERO);
                awaitDone(killGrace.plusSeconds(5));
                spawner.awaitEnded(killGrace.plusSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            live.abortAll();
        }
        spawner.close();
        HeldPlugins.release(table);
        log.note("stopped");
        return left;
    }

    /**
     * What is not yet over: connections, from their accept (max_connections counts them) to
     * their end, and programs in wait mode, which hold no place but are live all the same.
     */
    private int running() {
        return Math.max(live.size(), served.global().live());
    }

    private boolean awaitDone(Duration limit) throws InterruptedException {
        return live.await(n -> n == 0 && served.global().live() == 0, limit);
    }

    private static String shownDuration(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public void close() {
        stop();
    }
}
