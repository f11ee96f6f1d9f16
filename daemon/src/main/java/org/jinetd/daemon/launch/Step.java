package org.jinetd.daemon.launch;

/** One step of the way of a stream connection: see {@link Way}. */
interface Step {
    /**
     * Whether this step may wait for this connection (read from it, sleep, write to it): then
     * it runs on the connection's own virtual thread, never on the listener's.
     */
    boolean waits(Passage passage);

    /**
     * Does its part; false when the connection has ended here, or has been handed on to what
     * ends it later (a program, a handler's thread).
     */
    boolean pass(Passage passage);
}
