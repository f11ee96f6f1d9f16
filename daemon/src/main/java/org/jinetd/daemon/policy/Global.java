package org.jinetd.daemon.policy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live connections of all services together, against {@code max_connections}: taken at
 * accept, before anything of a connection's is read or a thread is spent on it, and given
 * back at its end.
 */
public final class Global {
    private volatile int limit;
    private final AtomicInteger live = new AtomicInteger();
    /** Connections and datagrams let in since the start. */
    private final LongAdder admitted = new LongAdder();

    public Global(int limit) {
        this.limit = limit;
    }

    /** A reload's new {@code max_connections}; connections beyond it are not ended, new ones wait their turn. */
    public void limit(int next) {
        limit = next;
    }

    boolean take() {
        while (true) {
            int now = live.get();
            if (now >= limit) {
                return false;
            }
            if (live.compareAndSet(now, now + 1)) {
                admitted.increment();
                return true;
            }
        }
    }

    void release() {
        live.decrementAndGet();
    }

    public long admitted() {
        return admitted.sum();
    }

    public int live() {
        return live.get();
    }
}
