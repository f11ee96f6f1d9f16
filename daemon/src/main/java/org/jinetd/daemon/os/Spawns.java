package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * posix_spawn and its file actions and attributes (glibc), through the FFM API: how a
 * program is started with exactly the descriptors, signal state and session it is meant to
 * have. Linked at the first spawn.
 */
public final class Spawns {
    // <spawn.h> (glibc): sizes and flags of x86_64 and aarch64 alike.
    public static final int SPAWN_FILE_ACTIONS_SIZE = 80;

    public static final int SPAWNATTR_SIZE = 336;

    public static final int SIGSET_SIZE = 128;

    public static final short POSIX_SPAWN_SETPGROUP = 0x02;

    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;

    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    public static final short POSIX_SPAWN_SETSID = 0x80;

    /** Links posix_spawn and its attributes now, rather than at the first spawn. */
    public static void link() {
        java.util.Objects.requireNonNull(Spawning.POSIX_SPAWN);
    }

    /** posix_spawn and its attributes: linked at the first spawn, or by {@link #link}. */
    private static final class Spawning {
        static final MethodHandle POSIX_SPAWN = Libc.handle("posix_spawn",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), false);
        static final MethodHandle FA_INIT = Libc.handle("posix_spawn_file_actions_init",
                FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle FA_DESTROY = Libc.handle("posix_spawn_file_actions_destroy",
                FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle FA_DUP2 = Libc.handle("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), false);
        static final MethodHandle FA_OPEN = Libc.handle("posix_spawn_file_actions_addopen",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), false);
        static final MethodHandle FA_CHDIR = Libc.handle("posix_spawn_file_actions_addchdir_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
        static final MethodHandle FA_CLOSEFROM = Libc.optionalHandle("posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)).orElse(null);
        static final MethodHandle ATTR_INIT = Libc.handle("posix_spawnattr_init",
                FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle ATTR_DESTROY = Libc.handle("posix_spawnattr_destroy",
                FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle ATTR_FLAGS = Libc.handle("posix_spawnattr_setflags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ValueLayout.JAVA_SHORT), false);
        static final MethodHandle ATTR_SIGMASK = Libc.handle("posix_spawnattr_setsigmask",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
        static final MethodHandle ATTR_SIGDEFAULT = Libc.handle("posix_spawnattr_setsigdefault",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
        static final MethodHandle SIGEMPTYSET = Libc.handle("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    }

    /** Whether this C library can close every other descriptor in the child (glibc 2.34+). */
    public static boolean closesFrom() {
        // Looked up, not linked: the spawning calls are linked at the first spawn.
        return Libc.has("posix_spawn_file_actions_addclosefrom_np");
    }

    /** A result of the posix_spawn family: 0, or the error number. */
    private static void result(String name, int result) throws Libc.Failure {
        if (result != 0) {
            throw new Libc.Failure(name, result);
        }
    }

    public static void fileActionsInit(MemorySegment actions) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.FA_INIT.invokeExact(actions);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_init", r);
    }

    public static void fileActionsDestroy(MemorySegment actions) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.FA_DESTROY.invokeExact(actions);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_destroy", r);
    }

    public static void addDup2(MemorySegment actions, int fd, int to) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.FA_DUP2.invokeExact(actions, fd, to);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_adddup2", r);
    }

    public static void addOpen(MemorySegment actions, int fd, MemorySegment path, int flags) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.FA_OPEN.invokeExact(actions, fd, path, flags, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_addopen", r);
    }

    public static void addChdir(MemorySegment actions, MemorySegment path) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.FA_CHDIR.invokeExact(actions, path);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_addchdir_np", r);
    }

    public static void addCloseFrom(MemorySegment actions, int from) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.FA_CLOSEFROM.invokeExact(actions, from);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawn_file_actions_addclosefrom_np", r);
    }

    public static void attrInit(MemorySegment attr) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_INIT.invokeExact(attr);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_init", r);
    }

    public static void attrDestroy(MemorySegment attr) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_DESTROY.invokeExact(attr);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_destroy", r);
    }

    public static void attrFlags(MemorySegment attr, short flags) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_FLAGS.invokeExact(attr, flags);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_setflags", r);
    }

    public static void attrSigmask(MemorySegment attr, MemorySegment set) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_SIGMASK.invokeExact(attr, set);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_setsigmask", r);
    }

    public static void attrSigdefault(MemorySegment attr, MemorySegment set) throws Libc.Failure {
        int r;
        try {
            r = (int) Spawning.ATTR_SIGDEFAULT.invokeExact(attr, set);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        result("posix_spawnattr_setsigdefault", r);
    }

    public static void sigemptyset(MemorySegment set) throws Libc.Failure {
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
                          MemorySegment envp) throws Libc.Failure {
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

    private Spawns() {}
}
