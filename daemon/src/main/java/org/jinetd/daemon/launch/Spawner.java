package org.jinetd.daemon.launch;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;

/**
 * Starts programs for connections: the socket itself as fd 0 and 1 where it can
 * ({@code io: inherit}), else pipes and a copy both ways ({@code io: bridge}).
 */
public final class Spawner {
    private final Bridge bridge;
    private final ConnectionLog log;
    private final AtomicBoolean warned = new AtomicBoolean();

    public Spawner(Live live, ConnectionLog log) {
        this.bridge = new Bridge(live, log);
        this.log = log;
    }

    void serve(Accepted accepted, Launch.Exec exec) {
        if (exec.io() == Launch.Io.INHERIT && warned.compareAndSet(false, true)) {
            log.warn("io=inherit is not available in this build; programs get pipes (io=bridge) instead");
        }
        bridge.serve(accepted, exec);
    }
}
