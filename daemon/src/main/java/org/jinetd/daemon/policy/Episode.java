package org.jinetd.daemon.policy;

import java.util.function.Consumer;

/**
 * A stretch of time in which a listener is held back (by its rate, or by a shortage of
 * descriptors or memory): one log line when it starts and one when it ends, with counts,
 * never a line per connection.
 */
public final class Episode {
    /** Calm for this long ends an episode. */
    private static final long QUIET_NANOS = 1_000_000_000L;

    private final String label;
    private final String what;
    private final Consumer<String> warn;
    private final Consumer<String> note;
    private boolean active;
    private long started;
    private long last;
    private long delayed;
    private long refused;

    /**
     * @param label the listener, as messages name it ({@code echo/tcp})
     * @param what  what holds it back, in words ({@code rate 20/s reached})
     */
    public Episode(String label, String what, Consumer<String> warn, Consumer<String> note) {
        this.label = label;
        this.what = what;
        this.warn = warn;
        this.note = note;
    }

    public synchronized void delayed(long now) {
        begin(now);
        delayed++;
    }

    public synchronized void refused(long now) {
        begin(now);
        refused++;
    }

    /** Something went through unhindered; after a quiet second the episode ends. */
    public synchronized void calm(long now) {
        if (active && now - last > QUIET_NANOS) {
            active = false;
            note.accept("%s: %s ended after %.1fs: %d delayed, %d refused".formatted(label, what,
                    (last - started) / 1e9, delayed, refused));
        }
    }

    public synchronized boolean active() {
        return active;
    }

    private void begin(long now) {
        if (!active) {
            active = true;
            started = now;
            delayed = 0;
            refused = 0;
            warn.accept("%s: %s; holding new connections back".formatted(label, what));
        }
        last = now;
    }
}
