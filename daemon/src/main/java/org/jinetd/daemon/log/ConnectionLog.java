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
    /** Lines a second that one service's handlers may log, as a program may write to its stderr. */
    static final int HANDLER_LINES_PER_SECOND = 100;
    /** A handler's line longer than this is cut. */
    static final int MOST_HANDLER_LINE = 4096;
    private final Throttle refusals = new Throttle(LINES_PER_SECOND, (kind, n) -> warnCount(kind + " unlogged=" + n));
    private final Throttle handlerLines = new Throttle(HANDLER_LINES_PER_SECOND,
            (service, n) -> warnCount("service=" + service + " log_unlogged=" + n));

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
        refused(service, peer, reason, java.util.Optional.empty());
    }

    /** As {@link #refused(String, String, String)}, with what was wrong ({@code error="..."}) where there is more to say. */
    public void refused(String service, String peer, String reason, java.util.Optional<String> why) {
        refused(service, peer, java.util.Optional.empty(), java.util.Optional.empty(), reason, why);
    }

    /**
     * As {@link #refused(String, String, String, java.util.Optional)}, for a client that a
     * balancer's PROXY header named ({@code via=} the balancer), or a unix socket's client
     * ({@code uid= gid=} who connected), as on the line of a connection served.
     */
    public void refused(String service, String peer, java.util.Optional<String> via,
                        java.util.Optional<org.jinetd.daemon.os.Credentials> who, String reason,
                        java.util.Optional<String> why) {
        tally.refused(service, reason, 1);
        throttled("service=" + service + " refused=" + reason, () -> "service=" + service + " peer="
                + LogText.quoted(peer) + via.map(v -> " via=" + LogText.quoted(v)).orElse("")
                + who.map(Ended::credentials).orElse("") + " refused=" + reason
                + why.map(w -> " error=" + LogText.quoted(w)).orElse(""));
    }

    /**
     * A datagram served by a handler: counted, and logged only when the handler failed (a
     * line per datagram would let any sender fill the log), with failures throttled as
     * refusals are.
     */
    public void datagram(String service, String peer, String handler, java.util.Optional<String> error) {
        tally.datagram(service, error);
        error.ifPresent(e -> throttled("service=" + service + " handler=" + handler + " failed",
                () -> "service=" + service + " peer=" + LogText.quoted(peer) + " handler=" + handler
                        + " error=" + LogText.quoted(e)));
    }

    /**
     * Writes {@code line} unless {@value #LINES_PER_SECOND} lines of the same {@code kind}
     * were written this second; the rest are counted, and the count is written as
     * {@code KIND unlogged=N} when the second is over.
     */
    private void throttled(String kind, java.util.function.Supplier<String> line) {
        if (refusals.admit(kind)) {
            var text = line.get();
            CONNECTIONS.warn(text);
            tap.accept(text);
        }
    }

    private void warnCount(String line) {
        CONNECTIONS.warn(line);
        tap.accept(line);
    }

    /**
     * Whether a handler's line at {@code level} would be written anywhere: where the log's
     * level lets it through, and to the tap from INFO up, as the daemon's other lines are.
     */
    public boolean handlerLogs(System.Logger.Level level) {
        return SystemLoggers.enabled(CONNECTIONS, level) || tapped && level != System.Logger.Level.OFF
                && level.getSeverity() >= System.Logger.Level.INFO.getSeverity();
    }

    /**
     * A line a handler logged through {@link System.Logger} while it served {@code peer}:
     * {@code service=NAME peer=ADDRESS logger=NAME log="TEXT"}, at the level it was logged at,
     * cut at {@value #MOST_HANDLER_LINE} characters; past {@value #HANDLER_LINES_PER_SECOND}
     * lines a second of one service, counted instead ({@code service=NAME log_unlogged=N}).
     * The text is asked for only when the line is written.
     */
    public void handlerLine(String service, java.net.SocketAddress peer, String logger, System.Logger.Level level,
                            java.util.function.Supplier<String> text, Throwable thrown) {
        if (!handlerLogs(level) || !handlerLines.admit(service)) {
            return;
        }
        var line = "service=" + service + " peer=" + LogText.quoted(Peers.shown(peer)) + " logger="
                + LogText.quoted(cut(logger)) + " log=" + LogText.quoted(cut(text.get()))
                + (thrown == null ? "" : " exception=" + LogText.quoted(cut(LogText.describe(thrown))));
        SystemLoggers.write(CONNECTIONS, level, line);
        tap.accept(line);
    }

    /** A handler's text, at most {@value #MOST_HANDLER_LINE} characters of it. */
    static String cut(String text) {
        return LogText.cut(String.valueOf(text), MOST_HANDLER_LINE);
    }

    /** One line that a program wrote to its stderr. */
    public void stderr(String service, long pid, String text) {
        var line = "service=" + service + " pid=" + pid + " stderr=" + LogText.quoted(text);
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
