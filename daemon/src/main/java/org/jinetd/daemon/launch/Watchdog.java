package org.jinetd.daemon.launch;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;
import org.jinetd.daemon.config.Timeouts;
import org.jinetd.daemon.os.Deadlines;

/**
 * Ends a connection that lasts too long ({@code timeout_max}) or goes quiet
 * ({@code timeout_idle}): a deadline on the daemon's one timer (see {@link Deadlines}), looked
 * at when it is due and set again for a client that was heard from meanwhile.
 */
public final class Watchdog implements AutoCloseable {
    private final Optional<Long> max;
    private final Optional<Long> quiet;
    private final long since;
    private final Live.Entry entry;
    private volatile long lastActivity;
    /** The deadline set now; guarded by {@code this}, as {@link #closed} is. */
    private Future<?> pending;
    private boolean closed;

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
            dog.arm(Math.max(0, dog.remaining()));
        }
        return dog;
    }

    /** On the timer's side, when the deadline is due: ends the connection, or sets it again for a client heard from since. */
    private void look() {
        long remaining = remaining();
        if (remaining > 0) {
            arm(remaining);
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        entry.abort("timeout");
    }

    /** Nanoseconds until the nearer of the two limits; zero or less once one has passed. */
    private long remaining() {
        long now = System.nanoTime();
        long remaining = Long.MAX_VALUE;
        if (max.isPresent()) {
            remaining = since + max.get() - now;
        }
        if (quiet.isPresent()) {
            remaining = Math.min(remaining, lastActivity + quiet.get() - now);
        }
        return remaining;
    }

    private synchronized void arm(long nanos) {
        if (!closed) {
            pending = Deadlines.after(nanos, this::look);
        }
    }

    /** Bytes went through: the idle clock starts again. */
    public void touch() {
        lastActivity = System.nanoTime();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pending != null) {
            pending.cancel(false);
        }
    }
}
