package org.jinetd.daemon.log;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection log: a line per connection when it ends, per refusal, per line a program
 * writes to stderr. Every line also goes to the tap (tests read it there).
 */
public final class ConnectionLog {
    private static final Logger LOG = LoggerFactory.getLogger("jinetd");

    private final Consumer<String> tap;
    private final Tally tally = new Tally();

    public ConnectionLog(Consumer<String> tap) {
        this.tap = tap;
    }

    /** The counts kept as lines are written, for status. */
    public Tally tally() {
        return tally;
    }

    public ConnectionLog() {
        this(line -> { });
    }

    public void ended(Ended ended) {
        tally.ended(ended);
        var line = ended.line();
        if (ended.error().isPresent() || ended.signal().isPresent()
                || ended.exit().isPresent() && ended.exit().getAsLong() != 0) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
        tap.accept(line);
    }

    /** A connection turned away before anything ran for it. */
    public void refused(String service, String peer, String reason) {
        tally.refused(service, reason, 1);
        var line = "service=" + service + " peer=" + peer + " refused=" + reason;
        LOG.warn(line);
        tap.accept(line);
    }

    /** One line that a program wrote to its stderr. */
    public void stderr(String service, long pid, String text) {
        var line = "service=" + service + " pid=" + pid + " stderr=" + Peers.quoted(text);
        LOG.info(line);
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
