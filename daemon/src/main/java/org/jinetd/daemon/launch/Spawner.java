package org.jinetd.daemon.launch;

import java.util.Optional;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.launch.program.Children;
import org.jinetd.daemon.launch.program.Programs;
import org.jinetd.daemon.launch.program.Setup;
import org.jinetd.daemon.launch.program.Piped;
import org.jinetd.daemon.launch.spawner.UserSpawners;
import org.jinetd.daemon.launch.spawner.SpawnerLink;

/**
 * Starts programs for connections: the socket itself as fd 0 and 1 where it can
 * ({@code io: inherit}, spawned natively), else pipes and a copy both ways ({@code io: bridge});
 * spawned by the daemon, or, for a root daemon and a program of another user, by the spawner
 * of that user.
 */
public final class Spawner implements AutoCloseable {
    private final Bridge bridge;
    private final Inherit inherit;
    private final Children children;
    private final Programs programs;
    private final UserSpawners spawners;
    private final Setup setup;

    /**
     * Links the C calls that making a Spawner links (the reaper's, and getrlimit), and
     * posix_spawn's, without making one or spawning. Each is a stub the JVM makes at run time,
     * together about as long as reading the table takes: {@code jinetd run} has it done on a
     * thread of its own meanwhile, and its first program does not wait for posix_spawn's
     * (40 ms). A call that cannot be linked fails again where it is needed, and is reported there.
     */
    public static void link() {
        try {
            Setup.link();
            org.jinetd.daemon.os.Pids.linkChildCalls();
            org.jinetd.daemon.os.Spawns.link();
        } catch (RuntimeException | LinkageError e) {
            // Reported where it is needed.
        }
    }

    /** Spawners of other users as this JVM starts them. */
    public Spawner(Live live, ConnectionLog log) {
        this(live, log, Optional.empty());
    }

    /** @param settings how spawners of other users are started; empty: as this JVM starts them */
    public Spawner(Live live, ConnectionLog log, Optional<UserSpawners.Settings> settings) {
        this.setup = Setup.ofThisDaemon(log::note);
        var why = Inherit.unavailable();
        Children reaper = null;
        if (why.isEmpty()) {
            try {
                reaper = new Children();
            } catch (Libc.Failure | RuntimeException | LinkageError e) {
                why = Optional.of("no reaper: " + e.getMessage());
            }
        }
        this.children = reaper;
        UserSpawners users = null;
        if (reaper != null) {
            try {
                users = new UserSpawners(reaper, log, settings.orElseGet(UserSpawners.Settings::ofThisJvm), setup);
            } catch (IllegalStateException e) {
                log.warn("no spawner of other users can be started (" + e.getMessage()
                        + "); their programs go through setpriv");
            }
        }
        this.spawners = users;
        this.programs = reaper == null ? null : new Programs(reaper, users, setup, log);
        this.bridge = new Bridge(log, setup, programs);
        this.inherit = reaper == null ? null : new Inherit(live, log, programs);
        why.ifPresent(reason -> log.warn("io=inherit is not available (" + reason
                + "); programs get pipes (io=bridge) instead"));
    }

    /** The daemon's soft limit of open files, and what its programs get back of it. */
    public Setup setup() {
        return setup;
    }

    /** Whether programs can own the real socket here. */
    public boolean inherits() {
        return inherit != null;
    }

    /** Whether this program is spawned natively, which returns at once and needs no thread of its own. */
    boolean spawnsAtOnce(Launch.Exec exec) {
        return exec.io() == Launch.Io.INHERIT && inherit != null;
    }

    /** @param entry the connection's, live from here to its end */
    void serve(Passage passage, Launch.Exec exec, Live.Entry entry) {
        // A program cannot be given TLS with its socket (the JDK does not export its keys for
        // kernel TLS): with tls: it gets plaintext through the bridge.
        if (exec.io() == Launch.Io.INHERIT && inherit != null && passage.tls().isEmpty()) {
            inherit.serve(passage, exec, entry);
        } else {
            bridge.serve(passage, exec, entry);
        }
    }

    /**
     * Wait mode: the program gets {@code listening} and this returns when it has exited.
     * False when it could not be started (the caller backs off before trying again).
     */
    public boolean serveWaiting(Service service, Launch.Exec exec, java.nio.channels.Channel listening) {
        if (inherit == null) {
            throw new IllegalStateException("wait mode needs io=inherit");
        }
        return inherit.serveWaiting(service, exec, listening);
    }

    /** Starts a program on pipes (a datagram's), natively where it can, else through the JDK. */
    Piped startPiped(Launch.Exec exec, java.util.Map<String, String> environment, ConnectionLog log, String service)
            throws java.io.IOException, Libc.Failure {
        return Piped.start(exec, environment, setup, programs, log, service);
    }

    /**
     * A new table is served: the spawners running now take no more programs and close after
     * their last; new ones start the programs of their users from now on.
     */
    public void retireSpawners() {
        if (spawners != null) {
            spawners.retire();
        }
    }

    /** Programs started and not yet ended: reaped here, or said ended by their spawner. */
    public int children() {
        return programs == null ? 0 : programs.size();
    }

    /** The spawners running now (the daemon's own children), retired ones included. */
    public java.util.List<SpawnerLink.Facts> spawners() {
        return spawners == null ? java.util.List.of() : spawners.running().stream().map(SpawnerLink::facts).toList();
    }

    /**
     * Waits until every program being ended has had its SIGKILL, or nothing of it is left, for
     * at most {@code limit}: a stop does not leave a program that ignores SIGTERM behind.
     */
    public void awaitEnded(java.time.Duration limit) throws InterruptedException {
        if (children != null) {
            children.awaitEnded(limit);
        }
    }

    @Override
    public void close() {
        if (spawners != null) {
            spawners.close();
        }
        if (children != null) {
            children.close();
        }
    }
}
