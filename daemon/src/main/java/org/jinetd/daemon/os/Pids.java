package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Children by pidfd (glibc 2.36+): opening one, waiting on it (to see an end, or to reap),
 * and the kill and waitpid kept for a child whose pidfd cannot be had.
 */
public final class Pids {
    // <sys/wait.h>, <linux/wait.h>, <signal.h>
    public static final int P_PIDFD = 3;

    public static final int WEXITED = 4;

    /** waitid(2): say how a child ended and leave it a zombie, its pid still its own. */
    public static final int WNOWAIT = 0x01000000;

    /** waitid(2): say at once when no child has ended yet (si_pid 0). */
    public static final int WNOHANG = 1;

    public static final int SIGINFO_PID = 16;

    public static final int CLD_EXITED = 1;

    public static final int SIGINFO_SIZE = 128;

    public static final int SIGINFO_CODE = 8;

    public static final int SIGINFO_STATUS = 24;

    /** pidfds (glibc 2.36+): linked at the first spawn, so that the rest works on an older C library. */
    private static final class Pidfds {
        static final MethodHandle PIDFD_OPEN = Libc.handle("pidfd_open",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
        // For a child whose pidfd cannot be had.
        static final MethodHandle KILL = Libc.handle("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
        static final MethodHandle WAITPID = Libc.handle("waitpid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
    }

    /** waitid: on a pidfd, to see how a child ended or to reap it. */
    private static final class Waiting {
        static final MethodHandle WAITID = Libc.handle("waitid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
    }

    /**
     * Links the calls that watch and end children, and strerror, now: linking can itself fail
     * when descriptors run short, which is when they are needed, and a class that failed to
     * link stays failed.
     */
    public static void linkChildCalls() {
        linkPidfdCalls();
        Libc.linkText();
        Descriptors.linkPipes();
        Epoll.link();
    }

    /** Links the pidfd calls, and waitid, now: those a spawner needs to watch a program. */
    public static void linkPidfdCalls() {
        java.util.Objects.requireNonNull(Pidfds.WAITPID);
        java.util.Objects.requireNonNull(Waiting.WAITID);
    }

    /** Whether this C library has pidfds (glibc 2.36+), which spawning needs. */
    public static boolean hasPidfds() {
        return Libc.has("pidfd_open") && Libc.has("pidfd_send_signal");
    }

    public static int pidfdOpen(int pid) throws Libc.Failure {
        return (int) Libc.call("pidfd_open", state -> (int) Pidfds.PIDFD_OPEN.invokeExact(state, pid, 0));
    }

    /** Reaps the child of {@code pidfd}, which must have exited; fills {@code info} (a siginfo_t). */
    public static void waitidPidfd(int pidfd, MemorySegment info) throws Libc.Failure {
        waitidPidfd(pidfd, info, WEXITED);
    }

    /**
     * waitid(P_PIDFD) with {@code options}: {@link #WEXITED} reaps the child, and with
     * {@link #WNOWAIT} only says how it ended, leaving it unreaped.
     */
    public static void waitidPidfd(int pidfd, MemorySegment info, int options) throws Libc.Failure {
        Libc.call("waitid", state -> (int) Waiting.WAITID.invokeExact(state, P_PIDFD, pidfd, info, options));
    }

    /** kill(2): only for a child not yet reaped, whose pid cannot have been reused. */
    public static void kill(int pid, int signal) throws Libc.Failure {
        Libc.call("kill", state -> (int) Pidfds.KILL.invokeExact(state, pid, signal));
    }

    /** Waits for the child {@code pid} to end and reaps it; retried when a signal interrupts. */
    public static void waitpid(int pid) throws Libc.Failure {
        while (true) {
            try {
                Libc.call("waitpid", state -> (int) Pidfds.WAITPID.invokeExact(state, pid, MemorySegment.NULL, 0));
                return;
            } catch (Libc.Failure e) {
                if (e.errno != Libc.EINTR) {
                    throw e;
                }
            }
        }
    }

    private Pids() {}
}
