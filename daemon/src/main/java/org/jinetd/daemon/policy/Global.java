package org.jinetd.daemon.policy;

/** Live connections of all services together, against {@code max_connections}. */
public final class Global {
    private volatile int limit;
    private final java.util.concurrent.atomic.AtomicInteger live = new java.util.concurrent.atomic.AtomicInteger();
    /** Connections and datagrams admitted since the start. */
    private final java.util.concurrent.atomic.LongAdder admitted = new java.util.concurrent.atomic.LongAdder();

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
