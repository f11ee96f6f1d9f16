package org.jinetd.daemon.launch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * The daemon's live connections, so that a stop can wait for them and then end the rest,
 * and a timeout can end one.
 */
public final class Live {
    private final Set<Entry> entries = ConcurrentHashMap.newKeySet();
    private final Object changed = new Object();

    /** One live connection: {@code abort} ends it at once (closes the socket, signals the program). */
    public final class Entry implements AutoCloseable {
        private final Runnable abort;
        private volatile String reason;

        private Entry(Runnable abort) {
            this.abort = abort;
        }

        /** Why it was ended from outside ({@code stop}, {@code timeout}), or empty if it ended by itself. */
        public Optional<String> reason() {
            return Optional.ofNullable(reason);
        }

        /** Ends it now, for {@code why}; the first reason given is the one logged. */
        public void abort(String why) {
            synchronized (this) {
                if (reason != null) {
                    return;
                }
                reason = why;
            }
            abort.run();
        }

        /** The connection is over. */
        @Override
        public void close() {
            if (entries.remove(this)) {
                synchronized (changed) {
                    changed.notifyAll();
                }
            }
        }
    }

    public Entry add(Runnable abort) {
        var entry = new Entry(abort);
        entries.add(entry);
        synchronized (changed) {
            changed.notifyAll();
        }
        return entry;
    }

    public int size() {
        return entries.size();
    }

    /** Waits until no connection is live or {@code grace} has passed; true if none is live. */
    public boolean awaitEmpty(Duration grace) throws InterruptedException {
        return await(n -> n == 0, grace);
    }

    /** Waits until the number of live connections satisfies {@code wanted}, or {@code limit} has passed. */
    public boolean await(IntPredicate wanted, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (changed) {
            while (!wanted.test(entries.size())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    /** Ends every live connection now. */
    public void abortAll() {
        for (var entry : List.copyOf(entries)) {
            entry.abort("stop");
        }
    }
}
