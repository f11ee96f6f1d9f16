package org.jinetd.daemon.tls;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jinetd.daemon.os.Deadlines;

/**
 * Closes a channel at a deadline unless the work on it ends first: a blocking read has no
 * timeout of its own, and a client that sends a byte a second must not hold a handshake
 * past it. The daemon's one timer keeps it (see {@link Deadlines}), so that a handshake
 * costs no thread of its own.
 */
final class Deadline {
    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int FIRED = 2;

    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Future<?> timer;

    private Deadline(Closeable channel, Duration after) {
        timer = Deadlines.after(after, () -> {
            if (state.compareAndSet(RUNNING, FIRED)) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Closed already, or as closed as it gets: the work on it fails either way.
                }
            }
        });
    }

    static Deadline start(Closeable channel, Duration after) {
        return new Deadline(channel, after);
    }

    /** The work is over: true when it ended before the deadline, false when the channel was closed for it. */
    boolean end() {
        boolean inTime = state.compareAndSet(RUNNING, ENDED);
        if (inTime) {
            timer.cancel(false);
        }
        return inTime;
    }

    /** Whether the deadline closed the channel. */
    boolean fired() {
        return state.get() == FIRED;
    }
}
