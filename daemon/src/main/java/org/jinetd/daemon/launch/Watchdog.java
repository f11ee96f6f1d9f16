package org.jinetd.daemon.launch;

import java.time.Duration;
import java.util.Optional;
import org.jinetd.daemon.config.Timeouts;

/**
 * Ends a connection that lasts too long ({@code timeout_max}) or goes quiet
 * ({@code timeout_idle}): a virtual thread that sleeps until the next deadline.
 */
public final class Watchdog implements AutoCloseable {
    private final Optional<Long> max;
    private final Optional<Long> quiet;
    private final long since;
    private final Live.Entry entry;
    private volatile long lastActivity;
    private Thread thread;

    private Watchdog(Optional<Long> max, Optional<Long> quiet, long since, Live.Entry entry) {
        this.max = max;
        this.quiet = quiet;
        this.since = since;
        this.entry = entry;
        this.lastActivity = since;
    }

    /**
     * @param idle whether this connection's bytes pass through the daemon, so that
     *             {@code timeout_idle} can apply (not so for programs that own the socket)
     */
    static Watchdog start(Timeouts timeouts, long since, boolean idle, Live.Entry entry) {
        var dog = new Watchdog(timeouts.max().map(Duration::toNanos),
                idle ? timeouts.idle().map(Duration::toNanos) : Optional.empty(), since, entry);
        if (dog.max.isPresent() || dog.quiet.isPresent()) {
            dog.thread = Thread.ofVirtual().name("watchdog").start(dog::watch);
        }
        return dog;
    }

    private void watch() {
        while (true) {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            if (max.isPresent()) {
                if (now - since >= max.get()) {
                    break;
                }
                next = since + max.get();
            }
            if (quiet.isPresent()) {
                long last = lastActivity;
                if (now - last >= quiet.get()) {
                    break;
                }
                next = Math.min(next, last + quiet.get());
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.max(1, next - now)));
            } catch (InterruptedException e) {
                return;
            }
        }
        entry.abort("timeout");
    }

    /** Bytes went through: the idle clock starts again. */
    public void touch() {
        lastActivity = System.nanoTime();
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
