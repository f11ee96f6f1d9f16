package org.jinetd.daemon.policy;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A stretch of time in which a listener holds connections back (its rate, a client's rate,
 * datagrams it will not answer): one log line when it starts and one with counts when a
 * quiet second has ended it, never a line per connection.
 */
public final class Episode {
    /** Calm for this long ends an episode. */
    private static final Duration QUIET = Duration.ofSeconds(1);

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

    public void delayed(long now) {
        synchronized (this) {
            delayed++;
        }
        begin(now);
    }

    public void refused(long now) {
        synchronized (this) {
            refused++;
        }
        begin(now);
    }

    private void begin(long now) {
        synchronized (this) {
            last = now;
            if (active) {
                return;
            }
            active = true;
            started = now;
        }
        warn.accept("%s: %s; holding new connections back".formatted(label, what));
        Thread.ofVirtual().name("episode-" + label).start(this::endWhenQuiet);
    }

    private void endWhenQuiet() {
        while (true) {
            long wait;
            synchronized (this) {
                wait = last + QUIET.toNanos() - System.nanoTime();
                if (wait <= 0) {
                    active = false;
                    note.accept("%s: %s ended after %.1fs: %d delayed, %d refused".formatted(label, what,
                            (last - started) / 1e9, delayed, refused));
                    delayed = 0;
                    refused = 0;
                    return;
                }
            }
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
