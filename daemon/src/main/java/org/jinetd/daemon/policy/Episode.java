package org.jinetd.daemon.policy;

import java.time.Duration;
import org.jinetd.daemon.log.ConnectionLog;

/**
 * A stretch of time in which a listener holds connections back (its rate, a client's rate,
 * datagrams it will not answer): one log line when it starts and one with counts when a
 * quiet second has ended it, never a line per connection.
 */
public final class Episode {
    /** Calm for this long ends an episode. */
    private static final Duration QUIET = Duration.ofSeconds(1);

    private final String service;
    private final String label;
    private final String what;
    private final String reason;
    private final ConnectionLog log;
    private boolean active;
    private long started;
    private long last;
    private long delayed;
    private long refused;

    /**
     * @param service the service's name, under which refusals are counted
     * @param label   the listener, as messages name it ({@code echo/tcp})
     * @param what    what holds it back, in words ({@code rate 20/s reached})
     * @param reason  the refusal reason it counts ({@code rate})
     */
    public Episode(String service, String label, String what, String reason, ConnectionLog log) {
        this.service = service;
        this.label = label;
        this.what = what;
        this.reason = reason;
        this.log = log;
    }

    /** Whether connections are being held back now. */
    public synchronized boolean active() {
        return active;
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
        log.tally().refused(service, reason, 1);
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
        log.warn("%s: %s; holding new connections back".formatted(label, what));
        Thread.ofVirtual().name("episode-" + label).start(this::endWhenQuiet);
    }

    private void endWhenQuiet() {
        while (true) {
            long wait;
            synchronized (this) {
                wait = last + QUIET.toNanos() - System.nanoTime();
                if (wait <= 0) {
                    active = false;
                    log.note("%s: %s ended after %.1fs: %d delayed, %d refused".formatted(label, what,
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
