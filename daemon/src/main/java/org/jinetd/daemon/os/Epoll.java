package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * epoll(7): a set of descriptors in the kernel, which any thread may add to while another
 * waits on it, each with 64 bits of its own that come back with its events.
 */
public final class Epoll {
    public static final int EPOLLIN = 1;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    /** struct epoll_event: packed on x86-64 (4 + 8 bytes), its data aligned to 8 elsewhere. */
    public static final long EVENT_SIZE;
    private static final long DATA_OFFSET;

    static {
        var arch = System.getProperty("os.arch", "");
        boolean packed = arch.equals("amd64") || arch.equals("x86_64");
        EVENT_SIZE = packed ? 12 : 16;
        DATA_OFFSET = packed ? 4 : 8;
    }

    private static final class Calls {
        static final MethodHandle CREATE = Libc.handle("epoll_create1",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
        static final MethodHandle CTL = Libc.handle("epoll_ctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), true);
        static final MethodHandle WAIT = Libc.handle("epoll_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), true);
    }

    private Epoll() {}

    /** Links the calls now, off the path of the first connection. */
    static void link() {
        java.util.Objects.requireNonNull(Calls.WAIT);
        java.util.Objects.requireNonNull(Calls.CTL);
    }

    /** A new set, closed on exec. */
    public static int create() throws Libc.Failure {
        return (int) Libc.call("epoll_create1", state -> (int) Calls.CREATE.invokeExact(state, EPOLL_CLOEXEC));
    }

    /** Adds {@code fd} for reading (and its end), with {@code data} to come back with its events. */
    public static void add(int epoll, int fd, long data) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var event = arena.allocate(EVENT_SIZE, 8);
            event.set(JAVA_INT, 0, EPOLLIN);
            event.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
            Libc.call("epoll_ctl", state -> (int) Calls.CTL.invokeExact(state, epoll, EPOLL_CTL_ADD, fd, event));
        }
    }

    /** Takes {@code fd} out of the set: before it is closed, as its number may come back. */
    public static void delete(int epoll, int fd) throws Libc.Failure {
        Libc.call("epoll_ctl", state -> (int) Calls.CTL.invokeExact(state, epoll, EPOLL_CTL_DEL, fd,
                MemorySegment.NULL));
    }

    /** Waits for events, at most {@code max} into {@code events}; -1 waits for ever. Returns how many came. */
    public static int await(int epoll, MemorySegment events, int max, int timeoutMillis) throws Libc.Failure {
        return (int) Libc.call("epoll_wait", state -> (int) Calls.WAIT.invokeExact(state, epoll, events, max,
                timeoutMillis));
    }

    /** The data of the {@code index}th event that {@link #await} gave. */
    public static long data(MemorySegment events, int index) {
        return events.get(JAVA_LONG_UNALIGNED, index * EVENT_SIZE + DATA_OFFSET);
    }
}
