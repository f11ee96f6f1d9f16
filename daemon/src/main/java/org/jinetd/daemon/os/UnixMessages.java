package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Messages over a pair of connected unix sockets that keep each message whole
 * ({@code SOCK_SEQPACKET}), with descriptors passed alongside ({@code SCM_RIGHTS}).
 */
public final class UnixMessages {
    // <sys/socket.h>
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    // struct msghdr and struct cmsghdr of LP64 Linux (x86_64, aarch64).
    private static final long MSGHDR_SIZE = 56;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_CONTROL = 32;
    private static final long MSG_CONTROLLEN = 40;
    private static final long MSG_FLAGS = 48;
    private static final long CMSG_HEADER = 16;
    /** The most descriptors one message carries. */
    public static final int MOST_FDS = 8;

    /** Linked when a spawner first ends a program. */
    private static final class Shutdown {
        static final MethodHandle SHUTDOWN = Libc.handle("shutdown",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
    }

    /** The daemon's alone: a spawner does not link it. */
    private static final class Pair {
        static final MethodHandle SOCKETPAIR = Libc.handle("socketpair",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), true);
    }
    private static final MethodHandle SENDMSG = Libc.handle("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), true);
    private static final MethodHandle RECVMSG = Libc.handle("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), true);

    private UnixMessages() {}

    /**
     * One message as it arrived.
     *
     * @param data      its bytes; empty at the end of the stream (the other side closed)
     * @param fds       the descriptors that came with it, close-on-exec, now this process's to close
     * @param truncated whether it was longer than asked for, or carried more descriptors: what did not fit is lost
     */
    public record Received(byte[] data, int[] fds, boolean truncated) {}

    /** Two connected sockets, both close-on-exec. */
    public static int[] pair() throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var fds = arena.allocate(JAVA_INT, 2);
            Libc.call("socketpair", state -> (int) Pair.SOCKETPAIR.invokeExact(state, AF_UNIX,
                    SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds));
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /**
     * Sends {@code data} as one message with {@code fds} (copies of them: the caller keeps and
     * closes its own). {@code wait}: block while the other side's queue is full; else that
     * fails at once with EAGAIN.
     */
    public static void send(int socket, byte[] data, int[] fds, boolean wait) throws Libc.Failure {
        if (fds.length > MOST_FDS) {
            throw new IllegalArgumentException(fds.length + " descriptors in one message");
        }
        try (var arena = Arena.ofConfined()) {
            var header = arena.allocate(MSGHDR_SIZE, 8);
            var iov = arena.allocate(16, 8);
            var bytes = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
            iov.set(ADDRESS, 0, bytes);
            iov.set(JAVA_LONG, 8, data.length);
            header.set(ADDRESS, MSG_IOV, iov);
            header.set(JAVA_LONG, MSG_IOVLEN, 1);
            if (fds.length > 0) {
                long space = CMSG_HEADER + align(4L * fds.length);
                var control = arena.allocate(space, 8);
                control.set(JAVA_LONG, 0, CMSG_HEADER + 4L * fds.length);
                control.set(JAVA_INT, 8, SOL_SOCKET);
                control.set(JAVA_INT, 12, SCM_RIGHTS);
                for (int i = 0; i < fds.length; i++) {
                    control.set(JAVA_INT, CMSG_HEADER + 4L * i, fds[i]);
                }
                header.set(ADDRESS, MSG_CONTROL, control);
                header.set(JAVA_LONG, MSG_CONTROLLEN, space);
            }
            int flags = MSG_NOSIGNAL | (wait ? 0 : MSG_DONTWAIT);
            while (true) {
                try {
                    Libc.call("sendmsg", state -> (long) SENDMSG.invokeExact(state, socket, header, flags));
                    return;
                } catch (Libc.Failure e) {
                    if (e.errno != Libc.EINTR) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * Ends a connection both ways now, whoever else holds it: the client sees its end though
     * a program's helper still holds the socket.
     */
    public static void shutdown(int socket) throws Libc.Failure {
        Libc.call("shutdown", state -> (int) Shutdown.SHUTDOWN.invokeExact(state, socket, 2 /* SHUT_RDWR */));
    }

    /** Room for messages of up to {@code most} bytes, kept by a receiver so that a message costs no allocation of its size. */
    public static MemorySegment buffer(int most) {
        return Arena.ofAuto().allocate(Math.max(1, most));
    }

    /**
     * Receives one message into {@code buffer} (at most its size) with at most {@code mostFds}
     * descriptors; with {@code mostFds} 0 none is accepted (the kernel closes any sent).
     * {@code wait}: block until one comes; else null when none is there.
     */
    public static Received receive(int socket, MemorySegment buffer, int mostFds, boolean wait) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            long most = buffer.byteSize();
            var header = arena.allocate(MSGHDR_SIZE, 8);
            var iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, buffer);
            iov.set(JAVA_LONG, 8, most);
            header.set(ADDRESS, MSG_IOV, iov);
            header.set(JAVA_LONG, MSG_IOVLEN, 1);
            MemorySegment control = MemorySegment.NULL;
            if (mostFds > 0) {
                long space = CMSG_HEADER + align(4L * mostFds);
                control = arena.allocate(space, 8);
                header.set(ADDRESS, MSG_CONTROL, control);
                header.set(JAVA_LONG, MSG_CONTROLLEN, space);
            }
            int flags = MSG_CMSG_CLOEXEC | (wait ? 0 : MSG_DONTWAIT);
            long n;
            do {
                n = Libc.attempt(state -> (long) RECVMSG.invokeExact(state, socket, header, flags));
            } while (n == -Libc.EINTR);
            if (n == -Libc.EAGAIN && !wait) {
                return null;
            }
            if (n < 0) {
                throw new Libc.Failure("recvmsg", (int) -n);
            }
            int got = header.get(JAVA_INT, MSG_FLAGS);
            int[] fds = new int[0];
            long used = mostFds > 0 ? header.get(JAVA_LONG, MSG_CONTROLLEN) : 0;
            // One SCM_RIGHTS header at most: that is all the sender of these messages puts there.
            if (used >= CMSG_HEADER && control.get(JAVA_INT, 8) == SOL_SOCKET && control.get(JAVA_INT, 12) == SCM_RIGHTS) {
                long length = Math.min(control.get(JAVA_LONG, 0), used);
                int count = (int) Math.max(0, (length - CMSG_HEADER) / 4);
                fds = new int[count];
                for (int i = 0; i < count; i++) {
                    fds[i] = control.get(JAVA_INT, CMSG_HEADER + 4L * i);
                }
            }
            var data = buffer.asSlice(0, Math.min(n, most)).toArray(ValueLayout.JAVA_BYTE);
            return new Received(data, fds, (got & (MSG_TRUNC | MSG_CTRUNC)) != 0);
        }
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }
}
