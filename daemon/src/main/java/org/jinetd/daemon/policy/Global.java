package org.jinetd.daemon.policy;

/** Live connections of all services together, against {@code max_connections}. */
public final class Global {
    private final int limit;
    private int live;

    public Global(int limit) {
        this.limit = limit;
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
