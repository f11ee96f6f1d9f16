package org.jinetd.daemon.launch;

import java.util.Optional;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Libc;

/**
 * Starts programs for connections: the socket itself as fd 0 and 1 where it can
 * ({@code io: inherit}, spawned natively), else pipes and a copy both ways ({@code io: bridge}).
 */
public final class Spawner implements AutoCloseable {
    private final Bridge bridge;
    private final Inherit inherit;
    private final Children children;

    public Spawner(Live live, ConnectionLog log) {
        var setup = Setup.ofThisDaemon();
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
        this.bridge = new Bridge(log, setup, reaper);
        this.inherit = reaper == null ? null : new Inherit(live, log, reaper, setup);
        why.ifPresent(reason -> log.warn("io=inherit is not available (" + reason
                + "); programs get pipes (io=bridge) instead"));
    }

    /** Whether programs can own the real socket here. */
    public boolean inherits() {
        return inherit != null;
    }

    /** Whether this program is spawned natively, which returns at once and needs no thread of its own. */
    boolean spawnsAtOnce(Launch.Exec exec) {
        return exec.io() == Launch.Io.INHERIT && inherit != null;
    }

    /** @param ending how the connection ends; it is live since it was admitted */
    void serve(Accepted accepted, Launch.Exec exec, Ending ending) {
        if (exec.io() == Launch.Io.INHERIT && inherit != null) {
            inherit.serve(accepted, exec, ending);
        } else {
            bridge.serve(accepted, exec, ending);
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

    /** Programs spawned natively and not yet reaped. */
    public int children() {
        return children == null ? 0 : children.size();
    }

    @Override
    public void close() {
        if (children != null) {
            children.close();
        }
    }
}
