package org.jinetd.daemon.cli;

/** What {@code jinetd}'s exit status means; each code means one thing. */
final class ExitCodes {
    static final int OK = 0;
    /** The service table has problems; each was printed with FILE:LINE:COLUMN. */
    static final int BAD_TABLE = 1;
    /** The command line was wrong (picocli's usage code). */
    static final int USAGE = 2;
    /** The table is good but the daemon could not start: a port could not be bound. */
    static final int CANNOT_START = 3;
    /** No daemon answers on the control socket, or none the command line believes (status, reload, stop). */
    static final int NOT_RUNNING = 4;
    /** The daemon refused the request: only its own user or root may reload or stop it (sysexits' EX_NOPERM). */
    static final int NOT_ALLOWED = 77;
    /** A bug: an exception nobody expected. */
    static final int SOFTWARE = 70;

    private ExitCodes() {}
}
