package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * What a process that starts others sets on itself around a spawn: the calls a spawner of
 * one user makes, and the signal the daemon sends through a pidfd.
 */
public final class Processes {
    private static final int RLIMIT_NOFILE = 7;
    private static final int PR_GET_DUMPABLE = 3;
    private static final int PR_SET_DUMPABLE = 4;
    /** RLIM_INFINITY. */
    public static final long UNLIMITED = -1;

    // Each linked at its first use: a spawner starts sooner for each kind of call it does not link.
    private static final class Signal {
        static final MethodHandle PIDFD_SEND_SIGNAL = Libc.handle("pidfd_send_signal",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
    }

    private static final class Limits {
        static final MethodHandle GETRLIMIT = Libc.handle("getrlimit",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), true);
        static final MethodHandle SETRLIMIT = Libc.handle("setrlimit",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), true);
    }

    private static final class Mask {
        static final MethodHandle UMASK = Libc.handle("umask", FunctionDescriptor.of(JAVA_INT, JAVA_INT), false);
    }

    private static final class Reaper {
        static final MethodHandle PRCTL = Libc.variadic("prctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    }

    private Processes() {}

    /** Sends {@code signal} to the process of {@code pidfd}, which cannot be another. */
    public static void signal(int pidfd, int signal) throws Libc.Failure {
        Libc.call("pidfd_send_signal", state -> (int) Signal.PIDFD_SEND_SIGNAL.invokeExact(state, pidfd, signal,
                MemorySegment.NULL, 0));
    }

    /** The limit of open files of this process: {soft, hard}, {@value #UNLIMITED} for unlimited. */
    public static long[] openFiles() throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var limit = arena.allocate(16, 8);
            Libc.call("getrlimit", state -> (int) Limits.GETRLIMIT.invokeExact(state, RLIMIT_NOFILE, limit));
            return new long[] {limit.get(JAVA_LONG, 0), limit.get(JAVA_LONG, 8)};
        }
    }

    /** Sets the limit of open files of this process. */
    public static void openFiles(long soft, long hard) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var limit = arena.allocate(16, 8);
            limit.set(JAVA_LONG, 0, soft);
            limit.set(JAVA_LONG, 8, hard);
            Libc.call("setrlimit", state -> (int) Limits.SETRLIMIT.invokeExact(state, RLIMIT_NOFILE, limit));
        }
    }

    /** Sets the file creation mask of this process; returns the one before. */
    public static int umask(int mask) {
        try {
            return (int) Mask.UMASK.invokeExact(mask);
        } catch (Throwable t) {
            throw new IllegalStateException("umask", t);
        }
    }

    /**
     * Makes this process non-dumpable: no process of its user may ptrace it, read its memory
     * or take its descriptors (pidfd_getfd), and its /proc entries are root's. A program it
     * spawns is dumpable again from its exec.
     */
    public static void nonDumpable() throws Libc.Failure {
        Libc.call("prctl", state -> (int) Reaper.PRCTL.invokeExact(state, PR_SET_DUMPABLE, 0L, 0L, 0L, 0L));
    }

    /** Whether this process is dumpable (PR_GET_DUMPABLE). */
    public static boolean dumpable() throws Libc.Failure {
        return Libc.call("prctl", state -> (int) Reaper.PRCTL.invokeExact(state, PR_GET_DUMPABLE, 0L, 0L, 0L, 0L)) != 0;
    }

    /** Waits until the process of {@code pidfd} has exited (its pidfd turns readable), at most {@code within}. */
    public static boolean awaitExit(int pidfd, java.time.Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try (var arena = Arena.ofConfined()) {
            var fds = arena.allocate(8, 4);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                fds.set(JAVA_INT, 0, pidfd);
                fds.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, Descriptors.POLLIN);
                fds.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 6, (short) 0);
                try {
                    if (Descriptors.poll(fds, 1, (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000))) > 0) {
                        return true;
                    }
                } catch (Libc.Failure e) {
                    if (e.errno != Libc.EINTR) {
                        return false;
                    }
                }
            }
        }
    }
}
