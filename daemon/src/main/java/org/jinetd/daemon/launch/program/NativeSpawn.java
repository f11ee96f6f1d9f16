package org.jinetd.daemon.launch.program;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Spawns;
import org.jinetd.daemon.os.Descriptors;

/**
 * posix_spawn of a program the way inetd forks one: the given descriptors as its 0, 1, 2
 * (and 3...), every other descriptor of the daemon closed, an empty signal mask, every
 * signal at its default (the JVM ignores SIGPIPE and others, which children must not
 * inherit), a session of its own (or, under a spawner of one user, a process group of its
 * own in the spawner's session), and a working directory.
 */
public final class NativeSpawn {
    private NativeSpawn() {}

    /**
     * @param argv the program (absolute path) and its arguments
     * @param env  its whole environment
     * @param cwd  its working directory
     * @param fds  {@code fds[i]} becomes the child's descriptor {@code i}; -1 opens /dev/null there
     * @return the child's pid
     */
    public static int spawn(List<String> argv, Map<String, String> env, String cwd, int[] fds) throws Libc.Failure {
        return spawn(argv, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), cwd, fds, true);
    }

    /**
     * @param envp       its whole environment, {@code NAME=value} each
     * @param ownSession a session of its own, else a process group of its own in this process's session
     */
    public static int spawn(List<String> argv, List<String> envp, String cwd, int[] fds, boolean ownSession)
            throws Libc.Failure {
        // A source among the targets would be overwritten before its own dup2: move it above them first.
        var sources = fds.clone();
        var moved = new java.util.ArrayList<Integer>();
        try {
            for (int i = 0; i < sources.length; i++) {
                if (sources[i] >= 0 && sources[i] < sources.length) {
                    sources[i] = Descriptors.dupAbove(sources[i], sources.length);
                    moved.add(sources[i]);
                }
            }
            return spawnWith(argv, envp, cwd, sources, ownSession);
        } finally {
            for (var fd : moved) {
                Libc.close(fd);
            }
        }
    }

    private static int spawnWith(List<String> argv, List<String> envp, String cwd, int[] fds,
                                 boolean ownSession) throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var actions = arena.allocate(Spawns.SPAWN_FILE_ACTIONS_SIZE, 16);
            var attr = arena.allocate(Spawns.SPAWNATTR_SIZE, 16);
            Spawns.fileActionsInit(actions);
            try {
                Spawns.attrInit(attr);
                try {
                    for (int target = 0; target < fds.length; target++) {
                        if (fds[target] >= 0) {
                            Spawns.addDup2(actions, fds[target], target);
                        } else {
                            Spawns.addOpen(actions, target, arena.allocateFrom("/dev/null"), 2 /* O_RDWR */);
                        }
                    }
                    // Do not rely on close-on-exec: the JVM and libraries open descriptors without it.
                    Spawns.addCloseFrom(actions, fds.length);
                    Spawns.addChdir(actions, arena.allocateFrom(cwd));

                    var empty = arena.allocate(Spawns.SIGSET_SIZE, 8);
                    var all = arena.allocate(Spawns.SIGSET_SIZE, 8);
                    Spawns.sigemptyset(empty);
                    defaults(all);
                    Spawns.attrSigmask(attr, empty);
                    Spawns.attrSigdefault(attr, all);
                    // A process group of its own is group 0 of the attributes: the child's pid.
                    Spawns.attrFlags(attr, (short) (Spawns.POSIX_SPAWN_SETSIGMASK | Spawns.POSIX_SPAWN_SETSIGDEF
                            | (ownSession ? Spawns.POSIX_SPAWN_SETSID : Spawns.POSIX_SPAWN_SETPGROUP)));

                    var path = arena.allocateFrom(argv.getFirst());
                    return Spawns.posixSpawn(path, actions, attr, strings(arena, argv), strings(arena, envp));
                } finally {
                    Spawns.attrDestroy(attr);
                }
            } finally {
                Spawns.fileActionsDestroy(actions);
            }
        }
    }

    /**
     * The signals to set to SIG_DFL in the child: those the daemon ignores (SIG_IGN would
     * survive the exec; the JVM ignores some), and glibc's two internal ones (32, 33),
     * which posix_spawn would otherwise set to SIG_IGN, where a fork+exec child has them
     * at SIG_DFL. Signals the daemon handles are reset by the exec itself, and the rest
     * are at SIG_DFL already: resetting all 64 would cost the child 64 system calls, with
     * the daemon's thread waiting (vfork) until it execs.
     */
    private static void defaults(MemorySegment set) {
        set.fill((byte) 0);
        long bits = IGNORED | 1L << 31 | 1L << 32;
        for (int i = 0; i < 8; i++) {
            set.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (bits >>> (8 * i)));
        }
    }

    /** SigIgn of this process: bit n-1 for signal n. Read once; the daemon ignores no more later. */
    private static final long IGNORED = ignored();

    private static long ignored() {
        try {
            for (var line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // Unknown: reset them all below.
        }
        return -1L;
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        var array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }
}
