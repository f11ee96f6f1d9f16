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
    /** Lines a second of one kind (a service's refusals for one reason, its failed datagrams) before the rest are only counted. */
    private static final int LINES_PER_SECOND = 20;
    /** Per kind: {second, lines this second, lines not written this second}. Kinds are bounded by the table. */
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
     * {@value #LINES_PER_SECOND} of a service and reason in a second get their line and
     * the rest are counted, in one line when that second is over (and always in
     * {@code jinetd status}).
     */
    public void refused(String service, String peer, String reason) {
        tally.refused(service, reason, 1);
        throttled("service=" + service + " refused=" + reason, () -> "service=" + service + " peer="
                + Peers.quoted(peer) + " refused=" + reason);
    }

    /**
     * A datagram served by a handler: counted, and logged only when the handler failed (a
     * line per datagram would let any sender fill the log), with failures throttled as
     * refusals are.
     */
    public void datagram(String service, String peer, String handler, java.util.Optional<String> error) {
        tally.datagram(service, error);
        error.ifPresent(e -> throttled("service=" + service + " handler=" + handler + " failed",
                () -> "service=" + service + " peer=" + Peers.quoted(peer) + " handler=" + handler
                        + " error=" + Peers.quoted(e)));
    }

    /**
     * Writes {@code line} unless {@value #LINES_PER_SECOND} lines of the same {@code kind}
     * were written this second; the rest are counted, and the count is written as
     * {@code KIND unlogged=N} when the second is over.
     */
    private void throttled(String kind, java.util.function.Supplier<String> line) {
        long suppressedBefore;
        synchronized (floods) {
            var window = floods.computeIfAbsent(kind, k -> new long[3]);
            long second = System.nanoTime() / 1_000_000_000L;
            suppressedBefore = 0;
            if (window[0] != second) {
                suppressedBefore = window[2];
                window[0] = second;
                window[1] = 0;
                window[2] = 0;
            }
            if (++window[1] > LINES_PER_SECOND) {
                if (window[2]++ == 0) {
                    // If this second's flood is also the last, its count still gets its line.
                    long at = second;
                    Thread.ofVirtual().name("flood-" + kind).start(() -> flushAfter(kind, window, at));
                }
                return;
            }
        }
        unlogged(kind, suppressedBefore);
        var text = line.get();
        CONNECTIONS.warn(text);
        tap.accept(text);
    }

    /** Waits out {@code second}, then writes its count unless a line of the next second already has. */
    private void flushAfter(String kind, long[] window, long second) {
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
        unlogged(kind, count);
    }

    private void unlogged(String kind, long count) {
        if (count > 0) {
            var summary = kind + " unlogged=" + count;
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

    /** Lines of a program's stderr counted but not logged, over its rate. */
    public void stderrUnlogged(String service, long pid, long count) {
        var line = "service=" + service + " pid=" + pid + " stderr_unlogged=" + count;
        CONNECTIONS.warn(line);
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
