package org.jinetd.daemon.launch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * The daemon's live connections, so that a stop can wait for them and then end the rest,
 * a timeout can end one, and status can list them.
 */
public final class Live {
    /** Set by {@link #abortAll}: a stop has ended every connection. */
    private volatile boolean ending;
    private final Set<Entry> entries = ConcurrentHashMap.newKeySet();
    private final Object changed = new Object();
    /** Threads in {@link #await}: only then does a connection's start or end wake anyone. */
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

    /** One live connection: {@code abort} ends it at once (closes the socket, signals the program). */
    public final class Entry implements AutoCloseable {
        private final String service;
        private final java.util.function.Supplier<java.net.SocketAddress> peer;
        private final long since;
        /** What ends it in its present stage: guarded by the entry. */
        private Runnable abort;
        private volatile long pid = -1;
        private volatile String reason;

        private Entry(String service, java.util.function.Supplier<java.net.SocketAddress> peer, long since,
                      Runnable abort) {
            this.service = service;
            this.peer = peer;
            this.since = since;
            this.abort = abort;
        }

        public String service() {
            return service;
        }

        /** The client as the log shows it ({@code -} for a program in wait mode): the socket's peer until identified. */
        public String peer() {
            return org.jinetd.daemon.log.Peers.shown(peer.get());
        }

        /** How long it has been live. */
        public Duration age() {
            return Duration.ofNanos(System.nanoTime() - since);
        }

        /** The program serving it, if one does. */
        public OptionalLong pid() {
            return pid < 0 ? OptionalLong.empty() : OptionalLong.of(pid);
        }

        void pid(long value) {
            pid = value;
        }

        /** Why it was ended from outside ({@code stop}, {@code timeout}), or empty if it ended by itself. */
        public Optional<String> reason() {
            return Optional.ofNullable(reason);
        }

        /** Ends it now, for {@code why}; the first reason given is the one logged. */
        public void abort(String why) {
            Runnable action;
            synchronized (this) {
                if (reason != null) {
                    return;
                }
                reason = why;
                action = abort;
            }
            action.run();
        }

        /**
         * As {@link #onAbort}, unless it has been ended already: then nothing changes and the
         * answer is false, so that the caller does not go on with it.
         */
        public boolean onAbortIfLive(Runnable next) {
            synchronized (this) {
                if (reason != null) {
                    return false;
                }
                abort = next;
                return true;
            }
        }

        /**
         * How to end it from now on, as it moves on (a banner, then a handler or a program).
         * If it was ended already, {@code next} runs at once: that stage is ended too.
         */
        public void onAbort(Runnable next) {
            boolean ended;
            synchronized (this) {
                abort = next;
                ended = reason != null;
            }
            if (ended) {
                next.run();
            }
        }

        /** The connection is over. */
        @Override
        public void close() {
            if (entries.remove(this)) {
                wake();
            }
        }
    }

    /**
     * @param service the service's name
     * @param peer    the client as it is known now (null for a program in wait mode)
     * @param since   {@link System#nanoTime()} when it began
     * @param abort   ends it at once
     */
    public Entry add(String service, java.util.function.Supplier<java.net.SocketAddress> peer, long since,
                     Runnable abort) {
        var entry = new Entry(service, peer, since, abort);
        entries.add(entry);
        wake();
        if (ending) {
            // Admitted before the stop but registered after it ended everything: ended too.
            entry.abort("stop");
        }
        return entry;
    }

    private void wake() {
        if (waiting.get() > 0) {
            synchronized (changed) {
                changed.notifyAll();
            }
        }
    }

    public int size() {
        return entries.size();
    }

    /** The live connections now. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Waits until no connection is live or {@code grace} has passed; true if none is live. */
    public boolean awaitEmpty(Duration grace) throws InterruptedException {
        return await(n -> n == 0, grace);
    }

    /** Waits until the number of live connections satisfies {@code wanted}, or {@code limit} has passed. */
    public boolean await(IntPredicate wanted, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        waiting.incrementAndGet();
        try {
            synchronized (changed) {
                while (!wanted.test(entries.size())) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    // Bounded: a change between the test and the wait is seen at the next round.
                    changed.wait(Math.max(1, Math.min(100, left / 1_000_000)));
                }
            }
            return true;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Ends every live connection now, and any registered from now on. */
    public void abortAll() {
        ending = true;
        for (var entry : List.copyOf(entries)) {
            entry.abort("stop");
        }
    }
}
