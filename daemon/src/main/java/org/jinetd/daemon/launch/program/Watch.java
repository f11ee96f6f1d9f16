package org.jinetd.daemon.launch.program;

import java.util.concurrent.CompletableFuture;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Pids;

/**
 * A child under watch: one this daemon spawned (with a pidfd), or a program of a spawner's
 * (without one: its spawner reaps it and says so). A child of the daemon that has ended is
 * reaped at once where nothing holds it, else only looked at ({@code waitid} with
 * {@code WNOWAIT}) and reaped once the last hold is given back: a zombie keeps its pid, and
 * so its process group and session, from being given to another process, and so signals to
 * them reach only what the program left. A child reaped is never signalled again.
 */
public final class Watch {
    final int pid;
    final int pidfd;
    final int stderr;
    final StderrLines lines;
    /** Completes when its end is seen and its stderr read; the connection ends then, whether or not it is reaped. */
    public final CompletableFuture<Exit> exit = new CompletableFuture<>();
    /** Counted among the programs: not a spawner. */
    final boolean program;
    /** Whether its stderr is still read: the reaper thread's alone. */
    boolean stderrOpen;
    /** What runs the moment its end is seen; null once run (or when nothing was asked). Guarded by this. */
    private Runnable atEnd;
    /** Whether its end has been seen, as {@link #atEnd} goes. Guarded by this. */
    private boolean over;

    // Guarded by this.
    private boolean seen;
    private boolean reaped;
    private int holds;
    /** Its end as begun by {@link Termination}, once. */
    private CompletableFuture<Boolean> ending;

    Watch(int pid, int pidfd, int stderr, StderrLines lines, boolean program) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.stderr = stderr;
        this.lines = lines;
        this.program = program;
        this.stderrOpen = stderr >= 0;
    }

    /** As {@link Program#atEnd}: run now where its end has been seen already. */
    void atEnd(Runnable action) {
        synchronized (this) {
            if (!over) {
                atEnd = action;
                return;
            }
        }
        action.run();
    }

    /** Its end is seen: what was asked to run then runs now, on this (the reaper's) thread, once. */
    void over() {
        Runnable action;
        synchronized (this) {
            over = true;
            action = atEnd;
            atEnd = null;
        }
        if (action != null) {
            action.run();
        }
    }

    /**
     * Keeps it unreaped, even after it has ended, until {@link Children#release}: what signals
     * its group holds it from the first signal to the last. False if it is reaped already.
     */
    synchronized boolean hold() {
        if (reaped) {
            return false;
        }
        holds++;
        return true;
    }

    /** Gives a hold back; true when it has ended and nothing holds it any more, so it is to be reaped. */
    synchronized boolean unhold() {
        holds--;
        return seen && holds == 0 && !reaped;
    }

    /** Its end has been seen; true when nothing holds it, so it is to be reaped now. */
    synchronized boolean seen() {
        seen = true;
        return holds == 0 && !reaped;
    }

    /** Whether it has been reaped (or given up on as it was reaped). */
    synchronized boolean reaped() {
        return reaped;
    }

    /** Whether anything holds it now. */
    synchronized boolean held() {
        return holds > 0;
    }

    /**
     * Its end has been seen: reaped at once where nothing holds it, {@code info} then saying
     * how it ended (true); else left for the last hold to give back (false, {@code info} as it
     * was). One look, under its lock: no hold can come between the look and the reaping.
     */
    synchronized boolean seenAndReaped(java.lang.foreign.MemorySegment info) throws Libc.Failure {
        seen = true;
        if (holds > 0 || reaped) {
            return false;
        }
        reap(info);
        return true;
    }

    /** Reaps it, under its lock, so that no signal to it can come after: once. */
    synchronized void reap(java.lang.foreign.MemorySegment info) throws Libc.Failure {
        if (reaped) {
            return;
        }
        reaped = true;
        try {
            Pids.waitidPidfd(pidfd, info);
        } finally {
            Libc.close(pidfd);
        }
    }

    /**
     * Sends {@code signal} to its process group (it leads one), while it is unreaped: then the
     * group is still the program's, and a pipeline or helper it forked gets it too. False if
     * it is reaped or no process got it.
     */
    public synchronized boolean signalGroup(int signal) {
        if (reaped || pidfd < 0) {
            return false;
        }
        try {
            Pids.kill(-pid, signal);
            return true;
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            // ESRCH: nothing of the group is left to signal.
            return false;
        }
    }

    /** The end begun for it, or {@code begin}'s when none is yet: a child is ended once. */
    synchronized CompletableFuture<Boolean> ending(java.util.function.Supplier<CompletableFuture<Boolean>> begin) {
        if (ending == null) {
            ending = begin.get();
        }
        return ending;
    }
}
