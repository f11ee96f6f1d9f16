package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Plain descriptors: read, write, poll, pipes, eventfd, and their flags. */
public final class Descriptors {
    // <poll.h>, <fcntl.h>, <sys/eventfd.h>
    public static final short POLLIN = 1;

    public static final int O_WRONLY = 1;

    public static final int O_NONBLOCK = 2048;

    public static final int O_CLOEXEC = 0x80000;

    public static final int EFD_CLOEXEC = 0x80000;

    private static final MethodHandle POLL = Libc.handle("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);

    private static final MethodHandle FCNTL = Libc.variadic("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);

    /**
     * The reaper's calls and pipes: linked with the calls that end children, not by a spawner
     * of one user, for which each kind of call linked is start-up time.
     */
    private static final class Watching {
        static final MethodHandle EVENTFD = Libc.handle("eventfd",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
        static final MethodHandle READ = Libc.handle("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
        static final MethodHandle WRITE = Libc.handle("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
        static final MethodHandle PIPE2 = Libc.handle("pipe2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);
    }

    /** poll(2) on an array of struct pollfd; returns how many are ready. */
    public static int poll(MemorySegment fds, long count, int timeoutMillis) throws Libc.Failure {
        return (int) Libc.call("poll", state -> (int) POLL.invokeExact(state, fds, count, timeoutMillis));
    }

    public static int eventfd() throws Libc.Failure {
        return (int) Libc.call("eventfd", state -> (int) Watching.EVENTFD.invokeExact(state, 0, EFD_CLOEXEC));
    }

    public static long read(int fd, MemorySegment buffer, long count) throws Libc.Failure {
        return Libc.call("read", state -> (long) Watching.READ.invokeExact(state, fd, buffer, count));
    }

    public static long write(int fd, MemorySegment buffer, long count) throws Libc.Failure {
        return Libc.call("write", state -> (long) Watching.WRITE.invokeExact(state, fd, buffer, count));
    }

    /** Writes {@code length} bytes of {@code bytes} from {@code offset}; returns how many were written. */
    public static long write(int fd, byte[] bytes, int offset, int length) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var data = arena.allocate(Math.max(length, 1));
            MemorySegment.copy(bytes, offset, data, ValueLayout.JAVA_BYTE, 0, length);
            return write(fd, data, length);
        }
    }

    /**
     * A pipe, both ends close-on-exec: {read, write}. The read end does not block (it is
     * polled); the write end does, as the program that gets it expects.
     */
    public static int[] pipe() throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var fds = arena.allocate(JAVA_INT, 2);
            Libc.call("pipe2", state -> (int) Watching.PIPE2.invokeExact(state, fds, O_CLOEXEC));
            int read = fds.getAtIndex(JAVA_INT, 0);
            int write = fds.getAtIndex(JAVA_INT, 1);
            Libc.call("fcntl", state -> (int) FCNTL.invokeExact(state, read, 4 /* F_SETFL */, 2048 /* O_NONBLOCK */));
            return new int[] {read, write};
        }
    }

    /** A copy of {@code fd} numbered {@code min} or above, close-on-exec. */
    public static int dupAbove(int fd, int min) throws Libc.Failure {
        return (int) Libc.call("fcntl", state -> (int) FCNTL.invokeExact(state, fd, 1030 /* F_DUPFD_CLOEXEC */, min));
    }

    /** Clears O_NONBLOCK on {@code fd} (and so on every copy of it) if it is set. */
    public static void setBlocking(int fd) throws Libc.Failure {
        int flags = (int) Libc.call("fcntl", state -> (int) FCNTL.invokeExact(state, fd, 3 /* F_GETFL */, 0));
        if ((flags & O_NONBLOCK) != 0) {
            Libc.call("fcntl", state -> (int) FCNTL.invokeExact(state, fd, 4 /* F_SETFL */, flags & ~O_NONBLOCK));
        }
    }

    /** Links the pipe calls now: see {@link Pids#linkChildCalls}. */
    static void linkPipes() {
        java.util.Objects.requireNonNull(Watching.PIPE2);
    }

    private Descriptors() {}
}
