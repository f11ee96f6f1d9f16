package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Optional;

/**
 * Spawning as another user with no program in between, as inetd's child calls setuid
 * before exec. Linux keeps credentials per thread; glibc's {@code set*id} functions make a
 * change process-wide by signalling every thread, but the raw system calls change the
 * calling thread alone, and a child made by posix_spawn starts with that thread's
 * credentials. So a root daemon's thread takes the user's groups, gid and uid (keeping
 * saved uid 0, its way back), spawns, and returns to root. The exec makes the saved uid the
 * user's too, and leaves the program no capabilities (the ambient set is emptied first).
 *
 * <p>Only on a platform thread: a virtual thread could move to another carrier, or leave
 * its carrier to another virtual thread, in between.
 */
public final class ThreadCredentials {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final VarHandle ERRNO = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    /**
     * {@code long syscall(long number, ...)} with five arguments (unused ones 0: prctl checks
     * them), errno captured.
     */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle GETGROUPLIST = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getgrouplist").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));

    /** System call numbers: {setgroups, setresuid, setresgid, getgroups, getresuid, getresgid, prctl}. */
    private static final long[] CALLS = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> new long[] {116, 117, 119, 115, 118, 120, 157};
        case "aarch64" -> new long[] {159, 147, 149, 158, 148, 150, 167};
        default -> null;
    };
    private static final int SETGROUPS = 0;
    private static final int SETRESUID = 1;
    private static final int SETRESGID = 2;
    private static final int GETGROUPS = 3;
    private static final int GETRESUID = 4;
    private static final int GETRESGID = 5;
    private static final int PRCTL = 6;
    private static final long PR_SET_DUMPABLE = 4;
    private static final long PR_CAP_AMBIENT = 47;
    private static final long PR_CAP_AMBIENT_CLEAR_ALL = 4;

    /** The daemon's own gids and groups, to return to; null where switching is not possible. */
    private static final Own OWN = own();

    private record Own(int[] gids, int[] groups, Optional<String> unavailable) {}

    private ThreadCredentials() {}

    /** What a spawn does between the switch and the return. */
    @FunctionalInterface
    public interface Spawn {
        int run() throws Libc.Failure;
    }

    /** Why threads cannot switch here, or empty when they can. */
    public static Optional<String> unavailable() {
        return OWN.unavailable();
    }

    /**
     * The groups a user has ({@code initgroups}), for {@link #as}; empty if the system's
     * user database cannot say.
     */
    public static Optional<List<Integer>> groupsOf(String user, int gid) {
        try (var arena = Arena.ofConfined()) {
            var name = arena.allocateFrom(user);
            var count = arena.allocate(JAVA_INT);
            int capacity = 64;
            while (capacity <= 65536) {
                var groups = arena.allocate(JAVA_INT, capacity);
                count.set(JAVA_INT, 0, capacity);
                int found = (int) GETGROUPLIST.invokeExact(name, gid, groups, count);
                int n = count.get(JAVA_INT, 0);
                if (found >= 0) {
                    return Optional.of(java.util.Arrays.stream(groups.asSlice(0, 4L * n).toArray(JAVA_INT))
                            .boxed().toList());
                }
                capacity = Math.max(capacity * 4, n);
            }
            return Optional.empty();
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    /**
     * Runs {@code spawn} with this thread acting as {@code uid}, {@code gid} and
     * {@code groups}, then returns the thread to the daemon's own credentials. A failure to
     * switch is thrown before anything runs.
     */
    public static int as(int uid, int gid, List<Integer> groups, Spawn spawn) throws Libc.Failure {
        if (OWN.unavailable().isPresent()) {
            throw new IllegalStateException("threads cannot switch users here: " + OWN.unavailable().get());
        }
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a virtual thread cannot switch users");
        }
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var list = arena.allocate(JAVA_INT, Math.max(1, groups.size()));
            for (int i = 0; i < groups.size(); i++) {
                list.setAtIndex(JAVA_INT, i, groups.get(i));
            }
            // Ambient capabilities would survive the exec of a program that is not root.
            call(state, "prctl", CALLS[PRCTL], PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0);
            call(state, "setgroups", CALLS[SETGROUPS], groups.size(), list.address(), 0);
            try {
                call(state, "setresgid", CALLS[SETRESGID], gid, gid, gid);
                try {
                    if (uid != 0) {
                        call(state, "setresuid", CALLS[SETRESUID], uid, uid, 0);
                    }
                    try {
                        return spawn.run();
                    } finally {
                        if (uid != 0) {
                            back(state, "setresuid", CALLS[SETRESUID], 0, 0, 0);
                        }
                    }
                } finally {
                    back(state, "setresgid", CALLS[SETRESGID], OWN.gids()[0], OWN.gids()[1], OWN.gids()[2]);
                }
            } finally {
                var own = arena.allocate(JAVA_INT, Math.max(1, OWN.groups().length));
                own.copyFrom(MemorySegment.ofArray(OWN.groups()));
                back(state, "setgroups", CALLS[SETGROUPS], OWN.groups().length, own.address(), 0);
                // A change of effective uid made the whole process undumpable; it is root again.
                back(state, "prctl", CALLS[PRCTL], PR_SET_DUMPABLE, 1, 0);
            }
        }
    }

    private static long call(MemorySegment state, String name, long number, long a, long b, long c)
            throws Libc.Failure {
        long result;
        try {
            result = (long) SYSCALL.invokeExact(state, number, a, b, c, 0L, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException(name, t);
        }
        if (result == -1) {
            throw new Libc.Failure(name, (int) ERRNO.get(state, 0L));
        }
        return result;
    }

    /**
     * A step back to the daemon's own credentials. It cannot fail (root's saved uid allows
     * it); if it ever did, this thread would go on acting as another user, so the daemon
     * stops at once instead.
     */
    private static void back(MemorySegment state, String name, long number, long a, long b, long c) {
        try {
            call(state, name, number, a, b, c);
        } catch (Libc.Failure | RuntimeException e) {
            System.err.println("jinetd: cannot return a thread to the daemon's credentials (" + e.getMessage()
                    + "); stopping");
            Runtime.getRuntime().halt(70);
        }
    }

    private static Own own() {
        if (CALLS == null) {
            return new Own(null, null, Optional.of("no system call numbers for " + System.getProperty("os.arch")));
        }
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var ids = arena.allocate(JAVA_INT, 3);
            call(state, "getresuid", CALLS[GETRESUID], ids.address(), ids.address() + 4, ids.address() + 8);
            if (ids.getAtIndex(JAVA_INT, 0) != 0 || ids.getAtIndex(JAVA_INT, 1) != 0
                    || ids.getAtIndex(JAVA_INT, 2) != 0) {
                return new Own(null, null, Optional.of("the daemon is not root"));
            }
            call(state, "getresgid", CALLS[GETRESGID], ids.address(), ids.address() + 4, ids.address() + 8);
            var gids = ids.toArray(JAVA_INT);
            int n = (int) call(state, "getgroups", CALLS[GETGROUPS], 0, 0, 0);
            var groups = arena.allocate(JAVA_INT, Math.max(1, n));
            n = (int) call(state, "getgroups", CALLS[GETGROUPS], n, groups.address(), 0);
            return new Own(gids, groups.asSlice(0, 4L * n).toArray(JAVA_INT), Optional.empty());
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            return new Own(null, null, Optional.of(e.getMessage()));
        }
    }
}
