package org.jinetd.daemon.control;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask for a graceful stop. Handled here rather than in a shutdown hook,
 * so that the daemon drains its connections and then exits 0, as systemd expects.
 */
public final class StopSignals {
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String received = "";

    public StopSignals install() {
        for (var name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                received = "SIG" + signal.getName();
                stop.countDown();
            });
        }
        return this;
    }

    /** Blocks until a stop signal comes; returns its name. */
    public String await() throws InterruptedException {
        stop.await();
        return received;
    }
}
