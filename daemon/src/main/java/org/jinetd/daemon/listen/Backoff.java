package org.jinetd.daemon.listen;

import org.jinetd.daemon.log.ConnectionLog;

/**
 * A listener short of descriptors, memory or processes: it waits a little longer after each
 * failure (10 ms doubling to 1 s) instead of spinning, says so once when the shortage starts
 * and once when it is over.
 */
public final class Backoff implements org.jinetd.daemon.launch.Shortage {
    private static final long MIN_MS = 10;
    private static final long MAX_MS = 1_000;

    private final String label;
    private final ConnectionLog log;
    private long delayMs;
    private long failures;
    private long since;

    public Backoff(String label, ConnectionLog log) {
        this.label = label;
        this.log = log;
    }

    /** Something failed for want of a resource; the next {@link #await} waits. */
    @Override
    public synchronized void failed(String reason) {
        if (failures++ == 0) {
            since = System.nanoTime();
            log.warn("%s: %s; backing off until it passes".formatted(label, reason));
        }
        delayMs = delayMs == 0 ? MIN_MS : Math.min(MAX_MS, delayMs * 2);
    }

    /** Whether the listener is waiting out a shortage now. */
    public synchronized boolean active() {
        return failures > 0;
    }

    /** It worked again: the episode is over. */
    @Override
    public synchronized void succeeded() {
        if (failures > 0) {
            log.note("%s: working again after %.1fs and %d failure%s".formatted(label,
                    (System.nanoTime() - since) / 1e9, failures, failures == 1 ? "" : "s"));
            failures = 0;
            delayMs = 0;
        }
    }

    /** Waits as long as the last failure asks. */
    public void await() {
        long ms;
        synchronized (this) {
            ms = delayMs;
        }
        if (ms > 0) {
            sleep(ms * 1_000_000);
        }
    }

    static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
