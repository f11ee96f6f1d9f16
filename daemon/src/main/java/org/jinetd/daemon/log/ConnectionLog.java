package org.jinetd.daemon.log;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection log: a line per connection when it ends, per refusal, per line a program
 * writes to stderr. Every line also goes to the tap (tests read it there).
 */
public final class ConnectionLog {
    /** The daemon's own lines: ready, reload, stop, trouble. */
    private static final Logger LOG = LoggerFactory.getLogger("jinetd");
    /** A line per connection, refusal, program's stderr: JINETD_LOG_LEVEL=warn quiets the good ones. */
    private static final Logger CONNECTIONS = LoggerFactory.getLogger("jinetd.connection");

    private final Consumer<String> tap;
    /** Whether anyone reads the tap (tests do). */
    private final boolean tapped;
    private final Tally tally = new Tally();
    /** Refusal lines a second, per service and reason, before the rest are only counted. */
    private static final int REFUSALS_PER_SECOND = 20;
    /** Per service and reason: {second, lines this second, refusals not logged this second}. */
    private final java.util.Map<String, long[]> floods = new java.util.HashMap<>();

    /** @param tap also gets every line (tests read the log there) */
    public ConnectionLog(Consumer<String> tap) {
        this.tap = tap;
        this.tapped = true;
    }

    public ConnectionLog() {
        this.tap = line -> { };
        this.tapped = false;
    }

    /** The counts kept as lines are written, for status. */
    public Tally tally() {
        return tally;
    }

    public void ended(Ended ended) {
        tally.ended(ended);
        boolean failed = ended.error().isPresent() || ended.signal().isPresent()
                || ended.exit().isPresent() && ended.exit().getAsLong() != 0;
        // A busy daemon at JINETD_LOG_LEVEL=warn writes no line for a good connection: build none.
        if (!tapped && !(failed ? CONNECTIONS.isWarnEnabled() : CONNECTIONS.isInfoEnabled())) {
            return;
        }
        var line = ended.line();
        if (failed) {
            CONNECTIONS.warn(line);
        } else {
            CONNECTIONS.info(line);
        }
        tap.accept(line);
    }

    /**
     * A connection turned away before anything ran for it. Under a flood, the first
     * {@value #REFUSALS_PER_SECOND} of a service and reason in a second get their line and
     * the rest are counted, in one line when that second is over (and always in
     * {@code jinetd status}).
     */
    public void refused(String service, String peer, String reason) {
        tally.refused(service, reason, 1);
        long suppressedBefore;
        synchronized (floods) {
            var window = floods.computeIfAbsent(service + " " + reason, k -> new long[3]);
            long second = System.nanoTime() / 1_000_000_000L;
            suppressedBefore = 0;
            if (window[0] != second) {
                suppressedBefore = window[2];
                window[0] = second;
                window[1] = 0;
                window[2] = 0;
            }
            if (++window[1] > REFUSALS_PER_SECOND) {
                if (window[2]++ == 0) {
                    // If this second's flood is also the last, its count still gets its line.
                    long at = second;
                    Thread.ofVirtual().name("refusals-" + service).start(() -> flushAfter(service, reason, window, at));
                }
                return;
            }
        }
        unlogged(service, reason, suppressedBefore);
        var line = "service=" + service + " peer=" + peer + " refused=" + reason;
        CONNECTIONS.warn(line);
        tap.accept(line);
    }

    /** Waits out {@code second}, then writes its count unless a refusal of the next second already has. */
    private void flushAfter(String service, String reason, long[] window, long second) {
        long wait = (second + 1) * 1_000_000_000L - System.nanoTime();
        try {
            Thread.sleep(java.time.Duration.ofNanos(Math.max(wait, 0) + 1_000_000));
        } catch (InterruptedException e) {
            return;
        }
        long count;
        synchronized (floods) {
            if (window[0] != second) {
                return;
            }
            count = window[2];
            window[2] = 0;
        }
        unlogged(service, reason, count);
    }

    private void unlogged(String service, String reason, long count) {
        if (count > 0) {
            var summary = "service=" + service + " refused=" + reason + " unlogged=" + count;
            CONNECTIONS.warn(summary);
            tap.accept(summary);
        }
    }

    /** One line that a program wrote to its stderr. */
    public void stderr(String service, long pid, String text) {
        var line = "service=" + service + " pid=" + pid + " stderr=" + Peers.quoted(text);
        CONNECTIONS.info(line);
        tap.accept(line);
    }

    /** Anything else the daemon says about a service: binding, readiness, trouble. */
    public void note(String line) {
        LOG.info(line);
        tap.accept(line);
    }

    public void warn(String line) {
        LOG.warn(line);
        tap.accept(line);
    }
}
