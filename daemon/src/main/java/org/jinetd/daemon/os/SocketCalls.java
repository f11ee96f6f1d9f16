package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * The socket calls the JDK does not offer: options by number, SO_PEERCRED, sending on a
 * descriptor at once, unix datagram sockets (sd_notify, syslog).
 */
public final class SocketCalls {
    /** The most {@link #sendNow} offers at once. */
    private static final int SEND_AT_ONCE = 256 * 1024;

    /**
     * getsockopt, linked apart from the others: {@code status}, {@code reload} and {@code stop}
     * call it alone (SO_PEERCRED), and each call linked is a stub made at run time.
     */
    private static final class Get {
        static final MethodHandle GETSOCKOPT = Libc.handle("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), true);
    }

    /** The other socket calls: linked when a socket option, sd_notify or a reply first needs one. */
    private static final class Sockets {
        static final MethodHandle SETSOCKOPT = Libc.handle("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
        static final MethodHandle SOCKET = Libc.handle("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), true);
        static final MethodHandle SENDTO = Libc.handle("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), true);
        static final MethodHandle SEND = Libc.handle("send",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);
        static final MethodHandle BIND = Libc.handle("bind",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
        static final MethodHandle RECV = Libc.handle("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);
    }

    /** A unix datagram socket, close-on-exec. */
    public static int unixDatagramSocket() throws Libc.Failure {
        return (int) Libc.call("socket", state -> (int) Sockets.SOCKET.invokeExact(state, 1 /* AF_UNIX */, 2 /* SOCK_DGRAM */ | Descriptors.O_CLOEXEC, 0));
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
    public static void sendTo(int fd, String name, byte[] message) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var address = arena.allocate(110, 2);
            int length = sockaddrUn(address, name);
            var data = arena.allocateFrom(ValueLayout.JAVA_BYTE, message);
            Libc.call("sendto", state -> (long) Sockets.SENDTO.invokeExact(state, fd, data, (long) message.length,
                    0x4000 /* MSG_NOSIGNAL */, address, length));
        }
    }

    /**
     * Sends one datagram to the unix socket {@code name} without waiting ({@code MSG_DONTWAIT}):
     * a receiver whose queue is full is a {@link Libc.Failure} with {@link #Libc.EAGAIN}, not a wait.
     */
    public static void sendNowTo(int fd, String name, byte[] message, int length) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var address = arena.allocate(110, 2);
            int addressLength = sockaddrUn(address, name);
            var data = arena.allocate(Math.max(length, 1));
            MemorySegment.copy(message, 0, data, ValueLayout.JAVA_BYTE, 0, length);
            Libc.call("sendto", state -> (long) Sockets.SENDTO.invokeExact(state, fd, data, (long) length,
                    0x40 /* MSG_DONTWAIT */ | 0x4000 /* MSG_NOSIGNAL */, address, addressLength));
        }
    }

    /**
     * Sends what a socket takes at once, never waiting, whatever its blocking mode
     * ({@code MSG_DONTWAIT}): the position of {@code bytes} moves past what was sent, which is
     * nothing when the socket's buffer is full.
     */
    public static void sendNow(int fd, ByteBuffer bytes) throws Libc.Failure {
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
            int errno = Libc.errno(state);
            if (errno != Libc.EAGAIN) {
                throw new Libc.Failure("send", errno);
            }
        }
    }

    /** Binds a unix socket to {@code name} (a path, or {@code @abstract}). */
    public static void bindUnix(int fd, String name) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var address = arena.allocate(110, 2);
            int length = sockaddrUn(address, name);
            Libc.call("bind", state -> (int) Sockets.BIND.invokeExact(state, fd, address, length));
        }
    }

    /** Receives one datagram of at most {@code max} bytes. */
    public static byte[] receive(int fd, int max) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var buffer = arena.allocate(max);
            long n = Libc.call("recv", state -> (long) Sockets.RECV.invokeExact(state, fd, buffer, (long) max, 0));
            return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * What a stream socket holds for reading now, left there ({@code MSG_PEEK | MSG_DONTWAIT}):
     * up to {@code into.length} bytes copied into {@code into}, their count; 0 at the end of the
     * stream; -1 where nothing has come yet.
     */
    public static int peekNow(int fd, byte[] into) throws Libc.Failure {
        return recvNow(fd, into, 0, into.length, 0x02 /* MSG_PEEK */);
    }

    /**
     * As {@link #peekNow}, but the bytes are taken off the socket: up to {@code length} of them,
     * into {@code into} from {@code offset}.
     */
    public static int receiveNow(int fd, byte[] into, int offset, int length) throws Libc.Failure {
        return recvNow(fd, into, offset, length, 0);
    }

    private static int recvNow(int fd, byte[] into, int offset, int length, int flags) throws Libc.Failure {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        var scratch = Scratch.MINE.get();
        try (var arena = length > scratch.buffer.byteSize() ? Arena.ofConfined() : null) {
            var state = scratch.state;
            var buffer = arena == null ? scratch.buffer : arena.allocate(length);
            long n;
            try {
                n = (long) Sockets.RECV.invokeExact(state, fd, buffer, (long) length, flags | 0x40 /* MSG_DONTWAIT */);
            } catch (Throwable t) {
                throw new IllegalStateException("recv", t);
            }
            if (n < 0) {
                int errno = Libc.errno(state);
                if (errno == Libc.EAGAIN) {
                    return -1;
                }
                throw new Libc.Failure("recv", errno);
            }
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, into, offset, (int) n);
            return (int) n;
        }
    }

    /**
     * Takes exactly {@code count} bytes that {@link #peekNow} has shown are there, without
     * waiting; a socket that gives fewer is a failure.
     */
    public static void takeNow(int fd, int count) throws Libc.Failure {
        // MSG_TRUNC: TCP drops the bytes, already read by the peek, without copying them anywhere.
        var scratch = Scratch.MINE.get();
        long n;
        try {
            n = (long) Sockets.RECV.invokeExact(scratch.state, fd, MemorySegment.NULL, (long) count,
                    0x20 /* MSG_TRUNC */ | 0x40 /* MSG_DONTWAIT */);
        } catch (Throwable t) {
            throw new IllegalStateException("recv", t);
        }
        if (n < 0) {
            throw new Libc.Failure("recv", Libc.errno(scratch.state));
        }
        if (n != count) {
            throw new Libc.Failure("recv (" + n + " of the " + count + " bytes it held)", Libc.EAGAIN);
        }
    }

    /** A peek of at most this many bytes uses native memory its thread keeps (no allocation). */
    public static final int KEPT_PEEK = 256;

    /**
     * The native memory a thread's peeks use, made once for each thread (a listener's, for
     * the headers it reads at accept) rather than allocated and zeroed at every connection.
     */
    private record Scratch(MemorySegment state, MemorySegment buffer) {
        static final ThreadLocal<Scratch> MINE = ThreadLocal.withInitial(() -> {
            var arena = Arena.ofAuto();
            return new Scratch(arena.allocate(Linker.Option.captureStateLayout()), arena.allocate(KEPT_PEEK));
        });
    }

    /** SO_PEERCRED of a unix socket: {pid, uid, gid}. */
    public static int[] peerCredentials(int fd) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var ucred = arena.allocate(12, 4);
            var length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 12);
            Libc.call("getsockopt", state -> (int) Get.GETSOCKOPT.invokeExact(state, fd, 1 /* SOL_SOCKET */,
                    17 /* SO_PEERCRED */, ucred, length));
            return new int[] {ucred.get(JAVA_INT, 0), ucred.get(JAVA_INT, 4), ucred.get(JAVA_INT, 8)};
        }
    }

    /** getsockopt with an int value. */
    public static int intOption(int fd, int level, int name) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var v = arena.allocate(JAVA_INT);
            var length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 4);
            Libc.call("getsockopt", state -> (int) Get.GETSOCKOPT.invokeExact(state, fd, level, name, v, length));
            return v.get(JAVA_INT, 0);
        }
    }

    /** setsockopt with an int value. */
    public static void setIntOption(int fd, int level, int name, int value) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            Libc.call("setsockopt", state -> (int) Sockets.SETSOCKOPT.invokeExact(state, fd, level, name, v, 4));
        }
    }

    /** How many connections wait in a listening TCP socket's accept queue (tcp_info's tcpi_unacked). */
    public static int acceptQueue(int fd) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var info = arena.allocate(256, 8);
            var length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 256);
            Libc.call("getsockopt", state -> (int) Get.GETSOCKOPT.invokeExact(state, fd, 6 /* IPPROTO_TCP */,
                    11 /* TCP_INFO */, info, length));
            return info.get(JAVA_INT, 24);
        }
    }

    private SocketCalls() {}
}
