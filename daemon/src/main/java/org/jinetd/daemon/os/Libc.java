package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The few C library calls jinetd makes itself (glibc on Linux, through the FFM API): spawning,
 * pidfds, waiting, poll. Each returns its result or throws {@link Failure} with errno.
 */
public final class Libc {
    // <spawn.h> (glibc): sizes and flags of x86_64 and aarch64 alike.
    public static final int SPAWN_FILE_ACTIONS_SIZE = 80;
    public static final int SPAWNATTR_SIZE = 336;
    public static final int SIGSET_SIZE = 128;
    public static final short POSIX_SPAWN_SETPGROUP = 0x02;
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    public static final short POSIX_SPAWN_SETSID = 0x80;
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
    // <poll.h>, <fcntl.h>, <sys/eventfd.h>
    public static final short POLLIN = 1;
    public static final int O_WRONLY = 1;
    public static final int O_NONBLOCK = 2048;
    public static final int O_CLOEXEC = 0x80000;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    /** The most {@link #sendNow} offers at once. */
    private static final int SEND_AT_ONCE = 256 * 1024;

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

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_VALUE = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle POLL = handle("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    private static final MethodHandle FCNTL = LINKER.downcallHandle(LIBC.find("fcntl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO, Linker.Option.firstVariadicArg(2));

    /**
     * The reaper's calls and pipes: linked with the calls that end children, not by a spawner
     * of one user, for which each kind of call linked is start-up time.
     */
    private static final class Watching {
        static final MethodHandle WAITID = handle("waitid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
        static final MethodHandle EVENTFD = handle("eventfd",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
        static final MethodHandle READ = handle("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
        static final MethodHandle WRITE = handle("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
        static final MethodHandle PIPE2 = handle("pipe2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);
    }

    /** getrlimit: linked at start, where the daemon reads its limit of open files. */
    private static final class Limits {
        static final MethodHandle GETRLIMIT = handle("getrlimit",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), true);
    }

    /** posix_spawn and its attributes: linked at the first spawn. */
    private static final class Spawning {
        static final MethodHandle POSIX_SPAWN = handle("posix_spawn",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), false);
        static final MethodHandle FA_INIT = handle("posix_spawn_file_actions_init",
                FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle FA_DESTROY = handle("posix_spawn_file_actions_destroy",
                FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle FA_DUP2 = handle("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), false);
        static final MethodHandle FA_OPEN = handle("posix_spawn_file_actions_addopen",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), false);
        static final MethodHandle FA_CHDIR = handle("posix_spawn_file_actions_addchdir_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
        static final MethodHandle FA_CLOSEFROM = optionalHandle("posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)).orElse(null);
        static final MethodHandle ATTR_INIT = handle("posix_spawnattr_init",
                FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle ATTR_DESTROY = handle("posix_spawnattr_destroy",
                FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle ATTR_FLAGS = handle("posix_spawnattr_setflags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ValueLayout.JAVA_SHORT), false);
        static final MethodHandle ATTR_SIGMASK = handle("posix_spawnattr_setsigmask",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
        static final MethodHandle ATTR_SIGDEFAULT = handle("posix_spawnattr_setsigdefault",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
        static final MethodHandle SIGEMPTYSET = handle("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    }

    /** pidfds (glibc 2.36+): linked at the first spawn, so that the rest works on an older C library. */
    private static final class Pidfds {
        static final MethodHandle PIDFD_OPEN = handle("pidfd_open",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
        // For a child whose pidfd cannot be had.
        static final MethodHandle KILL = handle("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
        static final MethodHandle WAITPID = handle("waitpid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
    }

    /**
     * Links the calls that watch and end children, and strerror, now: linking can itself fail
     * when descriptors run short, which is when they are needed, and a class that failed to
     * link stays failed.
     */
    public static void linkChildCalls() {
        java.util.Objects.requireNonNull(Pidfds.WAITPID);
        java.util.Objects.requireNonNull(Text.STRERROR);
        java.util.Objects.requireNonNull(Watching.PIPE2);
    }

    /** Socket calls: linked when a socket option, sd_notify or a reply first needs one. */
    private static final class Sockets {
        static final MethodHandle GETSOCKOPT = handle("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), true);
        static final MethodHandle SETSOCKOPT = handle("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
        static final MethodHandle SOCKET = handle("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), true);
        static final MethodHandle SENDTO = handle("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), true);
        static final MethodHandle SEND = handle("send",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);
        static final MethodHandle BIND = handle("bind",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
        static final MethodHandle RECV = handle("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);
    }

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

    private static Optional<MethodHandle> optionalHandle(String name, FunctionDescriptor descriptor) {
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

    /** Whether this C library has pidfds (glibc 2.36+), which spawning needs. */
    public static boolean hasPidfds() {
        return LIBC.find("pidfd_open").isPresent() && LIBC.find("pidfd_send_signal").isPresent();
    }

    /** Whether this C library can close every other descriptor in the child (glibc 2.34+). */
    public static boolean closesFrom() {
        // Looked up, not linked: the spawning calls are linked at the first spawn.
        return LIBC.find("posix_spawn_file_actions_addclosefrom_np").isPresent();
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

    /** A result of the posix_spawn family: 0, or the error number. */
    private static void result(String name, int result) throws Failure {
        if (result != 0) {
            throw new Failure(name, result);
        }
    }

    public static void fileActionsInit(MemorySegment actions) throws Failure {
        int r;
        try {
            r = (int) Spawning.FA_INIT.invokeExact(actions);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_init", r);
    }

    public static void fileActionsDestroy(MemorySegment actions) throws Failure {
        int r;
        try {
            r = (int) Spawning.FA_DESTROY.invokeExact(actions);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_destroy", r);
    }

    public static void addDup2(MemorySegment actions, int fd, int to) throws Failure {
        int r;
        try {
            r = (int) Spawning.FA_DUP2.invokeExact(actions, fd, to);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_adddup2", r);
    }

    public static void addOpen(MemorySegment actions, int fd, MemorySegment path, int flags) throws Failure {
        int r;
        try {
            r = (int) Spawning.FA_OPEN.invokeExact(actions, fd, path, flags, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_addopen", r);
    }

    public static void addChdir(MemorySegment actions, MemorySegment path) throws Failure {
        int r;
        try {
            r = (int) Spawning.FA_CHDIR.invokeExact(actions, path);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_addchdir_np", r);
    }

    public static void addCloseFrom(MemorySegment actions, int from) throws Failure {
        int r;
        try {
            r = (int) Spawning.FA_CLOSEFROM.invokeExact(actions, from);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_addclosefrom_np", r);
    }

    public static void attrInit(MemorySegment attr) throws Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_INIT.invokeExact(attr);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_init", r);
    }

    public static void attrDestroy(MemorySegment attr) throws Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_DESTROY.invokeExact(attr);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_destroy", r);
    }

    public static void attrFlags(MemorySegment attr, short flags) throws Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_FLAGS.invokeExact(attr, flags);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_setflags", r);
    }

    public static void attrSigmask(MemorySegment attr, MemorySegment set) throws Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_SIGMASK.invokeExact(attr, set);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_setsigmask", r);
    }

    public static void attrSigdefault(MemorySegment attr, MemorySegment set) throws Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_SIGDEFAULT.invokeExact(attr, set);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_setsigdefault", r);
    }

    public static void sigemptyset(MemorySegment set) throws Failure {
        int r;
        try {
            r = (int) Spawning.SIGEMPTYSET.invokeExact(set);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("sigemptyset", r);
    }

    /** Returns the new pid. */
    public static int posixSpawn(MemorySegment path, MemorySegment actions, MemorySegment attr, MemorySegment argv,
                          MemorySegment envp) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var pid = arena.allocate(JAVA_INT);
            int r;
            try {
                r = (int) Spawning.POSIX_SPAWN.invokeExact(pid, path, actions, attr, argv, envp);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            result("posix_spawn", r);
            return pid.get(JAVA_INT, 0);
        }
    }

    public static int pidfdOpen(int pid) throws Failure {
        return (int) call("pidfd_open", state -> (int) Pidfds.PIDFD_OPEN.invokeExact(state, pid, 0));
    }

    /** Reaps the child of {@code pidfd}, which must have exited; fills {@code info} (a siginfo_t). */
    public static void waitidPidfd(int pidfd, MemorySegment info) throws Failure {
        waitidPidfd(pidfd, info, WEXITED);
    }

    /**
     * waitid(P_PIDFD) with {@code options}: {@link #WEXITED} reaps the child, and with
     * {@link #WNOWAIT} only says how it ended, leaving it unreaped.
     */
    public static void waitidPidfd(int pidfd, MemorySegment info, int options) throws Failure {
        call("waitid", state -> (int) Watching.WAITID.invokeExact(state, P_PIDFD, pidfd, info, options));
    }

    /** poll(2) on an array of struct pollfd; returns how many are ready. */
    public static int poll(MemorySegment fds, long count, int timeoutMillis) throws Failure {
        return (int) call("poll", state -> (int) POLL.invokeExact(state, fds, count, timeoutMillis));
    }

    public static int eventfd() throws Failure {
        return (int) call("eventfd", state -> (int) Watching.EVENTFD.invokeExact(state, 0, EFD_CLOEXEC));
    }

    public static long read(int fd, MemorySegment buffer, long count) throws Failure {
        return call("read", state -> (long) Watching.READ.invokeExact(state, fd, buffer, count));
    }

    public static long write(int fd, MemorySegment buffer, long count) throws Failure {
        return call("write", state -> (long) Watching.WRITE.invokeExact(state, fd, buffer, count));
    }

    /** A unix datagram socket, close-on-exec. */
    public static int unixDatagramSocket() throws Failure {
        return (int) call("socket", state -> (int) Sockets.SOCKET.invokeExact(state, 1 /* AF_UNIX */, 2 /* SOCK_DGRAM */ | O_CLOEXEC, 0));
    }

    /**
     * A sockaddr_un for {@code name}: a path, or an abstract name written with a leading
     * {@code @} (as systemd writes NOTIFY_SOCKET). Returns its length in {@code address}.
     */
    private static int sockaddrUn(MemorySegment address, String name) {
        var bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        address.fill((byte) 0);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) 1 /* AF_UNIX */);
        boolean abstractName = name.startsWith("@");
        for (int i = abstractName ? 1 : 0; i < bytes.length && i < 107; i++) {
            address.set(ValueLayout.JAVA_BYTE, 2 + i, bytes[i]);
        }
        // An abstract name's length is exact (it starts with a NUL); a path's counts its NUL.
        return 2 + Math.min(bytes.length, 107) + (abstractName ? 0 : 1);
    }

    /** Sends one datagram to the unix socket {@code name}. */
    public static void sendTo(int fd, String name, byte[] message) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var address = arena.allocate(110, 2);
            int length = sockaddrUn(address, name);
            var data = arena.allocateFrom(ValueLayout.JAVA_BYTE, message);
            call("sendto", state -> (long) Sockets.SENDTO.invokeExact(state, fd, data, (long) message.length,
                    0x4000 /* MSG_NOSIGNAL */, address, length));
        }
    }

    /**
     * Sends one datagram to the unix socket {@code name} without waiting ({@code MSG_DONTWAIT}):
     * a receiver whose queue is full is a {@link Failure} with {@link #EAGAIN}, not a wait.
     */
    public static void sendNowTo(int fd, String name, byte[] message, int length) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var address = arena.allocate(110, 2);
            int addressLength = sockaddrUn(address, name);
            var data = arena.allocate(Math.max(length, 1));
            MemorySegment.copy(message, 0, data, ValueLayout.JAVA_BYTE, 0, length);
            call("sendto", state -> (long) Sockets.SENDTO.invokeExact(state, fd, data, (long) length,
                    0x40 /* MSG_DONTWAIT */ | 0x4000 /* MSG_NOSIGNAL */, address, addressLength));
        }
    }

    /** Writes {@code length} bytes of {@code bytes} from {@code offset}; returns how many were written. */
    public static long write(int fd, byte[] bytes, int offset, int length) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var data = arena.allocate(Math.max(length, 1));
            MemorySegment.copy(bytes, offset, data, ValueLayout.JAVA_BYTE, 0, length);
            return write(fd, data, length);
        }
    }

    /**
     * Sends what a socket takes at once, never waiting, whatever its blocking mode
     * ({@code MSG_DONTWAIT}): the position of {@code bytes} moves past what was sent, which is
     * nothing when the socket's buffer is full.
     */
    public static void sendNow(int fd, ByteBuffer bytes) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            // A fresh socket takes no more than its buffer: more would only be copied in vain.
            var data = arena.allocate(Math.min(bytes.remaining(), SEND_AT_ONCE));
            data.copyFrom(MemorySegment.ofBuffer(bytes.slice(bytes.position(), (int) data.byteSize())));
            long sent;
            try {
                sent = (long) Sockets.SEND.invokeExact(state, fd, data, data.byteSize(), 0x40 /* MSG_DONTWAIT */ | 0x4000 /* MSG_NOSIGNAL */);
            } catch (Throwable t) {
                throw new IllegalStateException("send", t);
            }
            if (sent >= 0) {
                bytes.position(bytes.position() + (int) sent);
                return;
            }
            int errno = (int) ERRNO_VALUE.get(state, 0L);
            if (errno != EAGAIN) {
                throw new Failure("send", errno);
            }
        }
    }

    /** Binds a unix socket to {@code name} (a path, or {@code @abstract}). */
    public static void bindUnix(int fd, String name) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var address = arena.allocate(110, 2);
            int length = sockaddrUn(address, name);
            call("bind", state -> (int) Sockets.BIND.invokeExact(state, fd, address, length));
        }
    }

    /** Receives one datagram of at most {@code max} bytes. */
    public static byte[] receive(int fd, int max) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var buffer = arena.allocate(max);
            long n = call("recv", state -> (long) Sockets.RECV.invokeExact(state, fd, buffer, (long) max, 0));
            return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** SO_PEERCRED of a unix socket: {pid, uid, gid}. */
    public static int[] peerCredentials(int fd) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var ucred = arena.allocate(12, 4);
            var length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 12);
            call("getsockopt", state -> (int) Sockets.GETSOCKOPT.invokeExact(state, fd, 1 /* SOL_SOCKET */,
                    17 /* SO_PEERCRED */, ucred, length));
            return new int[] {ucred.get(JAVA_INT, 0), ucred.get(JAVA_INT, 4), ucred.get(JAVA_INT, 8)};
        }
    }

    /** getsockopt with an int value. */
    public static int intOption(int fd, int level, int name) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var v = arena.allocate(JAVA_INT);
            var length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 4);
            call("getsockopt", state -> (int) Sockets.GETSOCKOPT.invokeExact(state, fd, level, name, v, length));
            return v.get(JAVA_INT, 0);
        }
    }

    /** setsockopt with an int value. */
    public static void setIntOption(int fd, int level, int name, int value) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            call("setsockopt", state -> (int) Sockets.SETSOCKOPT.invokeExact(state, fd, level, name, v, 4));
        }
    }

    /** How many connections wait in a listening TCP socket's accept queue (tcp_info's tcpi_unacked). */
    public static int acceptQueue(int fd) throws Failure {
        try (var arena = Arena.ofConfined()) {
            var info = arena.allocate(256, 8);
            var length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 256);
            call("getsockopt", state -> (int) Sockets.GETSOCKOPT.invokeExact(state, fd, 6 /* IPPROTO_TCP */,
                    11 /* TCP_INFO */, info, length));
            return info.get(JAVA_INT, 24);
        }
    }

    /**
     * A pipe, both ends close-on-exec: {read, write}. The read end does not block (it is
     * polled); the write end does, as the program that gets it expects.
     */
    public static int[] pipe() throws Failure {
        try (var arena = Arena.ofConfined()) {
            var fds = arena.allocate(JAVA_INT, 2);
            call("pipe2", state -> (int) Watching.PIPE2.invokeExact(state, fds, O_CLOEXEC));
            int read = fds.getAtIndex(JAVA_INT, 0);
            int write = fds.getAtIndex(JAVA_INT, 1);
            call("fcntl", state -> (int) FCNTL.invokeExact(state, read, 4 /* F_SETFL */, 2048 /* O_NONBLOCK */));
            return new int[] {read, write};
        }
    }

    /** A copy of {@code fd} numbered {@code min} or above, close-on-exec. */
    public static int dupAbove(int fd, int min) throws Failure {
        return (int) call("fcntl", state -> (int) FCNTL.invokeExact(state, fd, 1030 /* F_DUPFD_CLOEXEC */, min));
    }

    /** Clears O_NONBLOCK on {@code fd} (and so on every copy of it) if it is set. */
    public static void setBlocking(int fd) throws Failure {
        int flags = (int) call("fcntl", state -> (int) FCNTL.invokeExact(state, fd, 3 /* F_GETFL */, 0));
        if ((flags & O_NONBLOCK) != 0) {
            call("fcntl", state -> (int) FCNTL.invokeExact(state, fd, 4 /* F_SETFL */, flags & ~O_NONBLOCK));
        }
    }

    /** kill(2): only for a child not yet reaped, whose pid cannot have been reused. */
    public static void kill(int pid, int signal) throws Failure {
        call("kill", state -> (int) Pidfds.KILL.invokeExact(state, pid, signal));
    }

    /** Waits for the child {@code pid} to end and reaps it; retried when a signal interrupts. */
    public static void waitpid(int pid) throws Failure {
        while (true) {
            try {
                call("waitpid", state -> (int) Pidfds.WAITPID.invokeExact(state, pid, MemorySegment.NULL, 0));
                return;
            } catch (Failure e) {
                if (e.errno != EINTR) {
                    throw e;
                }
            }
        }
    }

    /** The soft limit of open files of this process (RLIMIT_NOFILE), -1 for unlimited. */
    public static long openFilesSoftLimit() throws Failure {
        try (var arena = Arena.ofConfined()) {
            var limit = arena.allocate(16, 8);
            call("getrlimit", state -> (int) Limits.GETRLIMIT.invokeExact(state, 7 /* RLIMIT_NOFILE */, limit));
            return limit.get(JAVA_LONG, 0);
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
