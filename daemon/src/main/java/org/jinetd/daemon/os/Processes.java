package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * What a process that starts others sets on itself around a spawn, and how it reaps: the
 * calls a spawner of one user makes, and the signal the daemon sends through a pidfd.
 */
public final class Processes {
    private static final int RLIMIT_NOFILE = 7;
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int P_ALL = 0;
    private static final int WNOHANG = 1;
    private static final int SIGINFO_PID = 16;
    private static final int ECHILD = 10;
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
        static final MethodHandle WAITID = Libc.handle("waitid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
    }

    private Processes() {}

    /** How a child ended: its exit status, or the signal that killed it. */
    public record Ended(int pid, boolean exited, int value) {}

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
     * Makes this process the reaper of its descendants: an orphan of one of its children
     * becomes its own child, not init's, and stays in reach.
     */
    public static void becomeSubreaper() throws Libc.Failure {
        Libc.call("prctl", state -> (int) Reaper.PRCTL.invokeExact(state, PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L));
    }

    /** Reaps one child that has ended, if any has; never waits. */
    public static Optional<Ended> reapAny() throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var info = arena.allocate(Libc.SIGINFO_SIZE, 8);
            long result = Libc.attempt(state -> (int) Reaper.WAITID.invokeExact(state, P_ALL, 0, info,
                    Libc.WEXITED | WNOHANG));
            if (result == -ECHILD) {
                return Optional.empty();
            }
            if (result < 0) {
                throw new Libc.Failure("waitid", (int) -result);
            }
            int pid = info.get(JAVA_INT, SIGINFO_PID);
            if (pid == 0) {
                return Optional.empty();
            }
            boolean exited = info.get(JAVA_INT, Libc.SIGINFO_CODE) == Libc.CLD_EXITED;
            return Optional.of(new Ended(pid, exited, info.get(JAVA_INT, Libc.SIGINFO_STATUS)));
        }
    }
}
