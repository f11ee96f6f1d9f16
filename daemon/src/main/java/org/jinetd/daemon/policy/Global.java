package org.jinetd.daemon.policy;

/** Live connections of all services together, against {@code max_connections}. */
public final class Global {
    private int limit;
    private int live;

    public Global(int limit) {
        this.limit = limit;
    }

    /** A reload's new {@code max_connections}; connections beyond it are not ended, new ones wait their turn. */
    public synchronized void limit(int next) {
        limit = next;
    }

    synchronized boolean take() {
        if (live >= limit) {
            return false;
        }
        live++;
        return true;
    }

    synchronized void release() {
        live--;
    }

    public synchronized int live() {
        return live;
    }
}
