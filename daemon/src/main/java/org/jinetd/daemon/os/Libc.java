package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * How jinetd calls the C library itself (glibc on Linux, through the FFM API): linking a call,
 * making it with errno captured, and what a failure says. The calls themselves are by subject:
 * {@link Spawns}, {@link Pids}, {@link Descriptors}, {@link SocketCalls}, {@link Processes}.
 * Each returns its result or throws {@link Failure} with errno.
 */
public final class Libc {
    public static final int EINTR = 4;

    public static final int EAGAIN = 11;
    public static final int EMFILE = 24;

    /**
     * A C call failed; {@code errno} says why. A value, not a trace: the message says what
     * failed, and no stack is recorded, as some come at every turn of a loop (EAGAIN).
     */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        public final int errno;

        Failure(String call, int errno) {
            super(call + ": " + describe(errno), null, false, false);
            this.errno = errno;
        }
    }

    static {
        Exit.linked = true;
    }

    private static final Linker LINKER = Linker.nativeLinker();

    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    private static final VarHandle ERRNO_VALUE = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);

    /** getrlimit: linked at start, where the daemon reads its limit of open files. */
    /** strerror: linked at the first error shown. */
    private static final class Text {
        static final MethodHandle STRERROR = handle("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT), false);
    }

    private Libc() {}

    static MethodHandle handle(String name, FunctionDescriptor descriptor, boolean errno) {
        var symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the C library"));
        return errno ? LINKER.downcallHandle(symbol, descriptor, ERRNO) : LINKER.downcallHandle(symbol, descriptor);
    }

    /** A C function whose arguments from {@code first} on are variadic, capturing errno. */
    static MethodHandle variadic(String name, FunctionDescriptor descriptor, int first) {
        var symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the C library"));
        return LINKER.downcallHandle(symbol, descriptor, ERRNO, Linker.Option.firstVariadicArg(first));
    }

    /** The errno a call captured into {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO_VALUE.get(state, 0L);
    }

    /** Whether the C library has {@code name}: looked up, not linked. */
    static boolean has(String name) {
        return LIBC.find(name).isPresent();
    }

    /** Links strerror now: see {@link Pids#linkChildCalls}. */
    static void linkText() {
        java.util.Objects.requireNonNull(Text.STRERROR);
    }

    static Optional<MethodHandle> optionalHandle(String name, FunctionDescriptor descriptor) {
        return LIBC.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor));
    }

    /**
     * Whether jinetd can call the C library here. It is true wherever it returns: calling it
     * links the calls made from the start, and that fails (a {@link LinkageError}) where the
     * C library lacks one of them.
     */
    public static boolean available() {
        return true;
    }

    /** One C call that captures errno into {@code state}, with its arguments typed exactly. */
    @FunctionalInterface
    interface Call {
        long invoke(MemorySegment state) throws Throwable;
    }

    /** Makes {@code call}; -1 is the failure, with errno. */
    static long call(String name, Call call) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            long value;
            try {
                value = call.invoke(state);
            } catch (Throwable t) {
                throw new IllegalStateException(name, t);
            }
            if (value == -1) {
                throw new Failure(name, (int) ERRNO_VALUE.get(state, 0L));
            }
            return value;
        }
    }

    /**
     * Makes {@code call}, whose results are never negative; a failure comes back as -errno,
     * for the failures that are answers in a loop (EAGAIN: nothing more now; ECHILD: no
     * child), not errors.
     */
    static long attempt(Call call) {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            long value;
            try {
                value = call.invoke(state);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            return value == -1 ? -(int) ERRNO_VALUE.get(state, 0L) : value;
        }
    }

    public static void close(int fd) throws Failure {
        call("close", state -> (int) CLOSE.invokeExact(state, fd));
    }

    /** The C library's words for an error number: "Resource temporarily unavailable". */
    public static String describe(int errno) {
        try {
            var text = (MemorySegment) Text.STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
