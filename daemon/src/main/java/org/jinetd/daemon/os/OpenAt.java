package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * openat(2) and statx(2): a name opened in a directory held open, and what a descriptor is
 * (its type, owner, mode, links), asked of the descriptor itself rather than of a path that
 * someone may point elsewhere between the look and the use. statx, not fstat: its struct is
 * the same on every architecture.
 */
public final class OpenAt {
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));
    // <fcntl.h>: O_DIRECTORY and O_NOFOLLOW are numbered differently on aarch64.
    public static final int O_WRONLY = 01;
    public static final int O_CREAT = 0100;
    public static final int O_NOCTTY = 0400;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    public static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    public static final int O_CLOEXEC = 02000000;
    /** A descriptor that only names a place, to open or look at what is in it; reading needs no permission. */
    public static final int O_PATH = 010000000;
    public static final int AT_FDCWD = -100;
    // <errno.h>
    public static final int ENOENT = 2;
    public static final int ENXIO = 6;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int ELOOP = 40;
    // <linux/stat.h>, <fcntl.h>
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EMPTY_PATH = 0x1000;
    /** STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID. */
    private static final int WANTED = 0x1f;
    private static final int STATX_SIZE = 256;

    /** Linked when a log file is first opened or checked. */
    private static final class Calls {
        static final MethodHandle OPENAT = Libc.variadic("openat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 3);
        static final MethodHandle STATX = Libc.handle("statx",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), true);
    }

    private OpenAt() {}

    /**
     * Opens {@code name} in the directory {@code dirfd} ({@link #AT_FDCWD}: the working
     * directory; an absolute name ignores it) with {@code flags}, creating with {@code mode}.
     */
    public static int open(int dirfd, String name, int flags, int mode) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var path = arena.allocateFrom(name);
            return (int) Libc.call("openat", state -> (int) Calls.OPENAT.invokeExact(state, dirfd, path, flags, mode));
        }
    }

    /** What the descriptor {@code fd} is (an {@link #O_PATH} one too). */
    public static FileStatus status(int fd) throws Libc.Failure {
        return statx(fd, "", AT_EMPTY_PATH);
    }

    /** What {@code name} in the directory {@code dirfd} is, a symlink itself rather than what it names. */
    public static FileStatus statusAt(int dirfd, String name) throws Libc.Failure {
        return statx(dirfd, name, AT_SYMLINK_NOFOLLOW);
    }

    private static FileStatus statx(int dirfd, String name, int flags) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var path = arena.allocateFrom(name);
            var buffer = arena.allocate(STATX_SIZE, 8);
            Libc.call("statx", state -> (int) Calls.STATX.invokeExact(state, dirfd, path, flags, WANTED, buffer));
            // struct statx: stx_mask (u32) at 0, stx_nlink at 16, stx_uid at 20, stx_gid at 24, stx_mode (u16) at 28.
            int mask = buffer.get(ValueLayout.JAVA_INT, 0);
            if ((mask & WANTED) != WANTED) {
                // A file system that cannot say who owns a file cannot be trusted with root's writes.
                throw new Libc.Failure("statx", 95 /* EOPNOTSUPP */);
            }
            return new FileStatus(Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, 28)),
                    buffer.get(ValueLayout.JAVA_INT, 20), buffer.get(ValueLayout.JAVA_INT, 24),
                    Integer.toUnsignedLong(buffer.get(ValueLayout.JAVA_INT, 16)));
        }
    }

    /** Closes {@code fd}; a failure leaves nothing to do. */
    public static void close(int fd) {
        try {
            Libc.close(fd);
        } catch (Libc.Failure e) {
            // The descriptor is gone either way (close(2) never leaves it open on Linux).
        }
    }
}
