package org.jinetd.daemon.launch;

/** One step of the way of a stream connection: see {@link Way}. */
interface Step {
    /**
     * Whether this step may wait for this connection (read from it, sleep, write to it): then
     * it runs on the connection's own virtual thread, never on the listener's.
     */
    boolean waits(Passage passage);

    /** What a step that may wait did on the listener's thread: see {@link #passAtOnce}. */
    enum AtOnce {
        /** Done, and the connection goes on to the next step. */
        PASSED,
        /** Done, and the connection has ended here or been handed on, as when {@link #pass} is false. */
        ENDED,
        /** It must wait after all: on the connection's own thread, from this step. */
        WAITS
    }

    /**
     * For a step that {@link #waits}, on the listener's thread: its part, where what it waits
     * for has come already, so that the connection needs no thread of its own for it.
     */
    default AtOnce passAtOnce(Passage passage) {
        return AtOnce.WAITS;
    }

    /**
     * Does its part; false when the connection has ended here, or has been handed on to what
     * ends it later (a program, a handler's thread).
     */
    boolean pass(Passage passage);
}
