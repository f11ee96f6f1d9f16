package org.jinetd.daemon.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The processes of a session, as the kernel lists them in /proc, and their end. A session
 * is joined only by being forked into it, so whatever is in it came from its leader; and
 * its number is not given to a new process while any of it lives.
 */
public final class Sessions {
    private static final Path PROC = Path.of("/proc");
    private static final int SIGKILL = 9;

    private Sessions() {}

    /** The processes of session {@code sid} now, but for zombies (dead, only not yet reaped). */
    public static List<Integer> members(int sid) {
        var found = new ArrayList<Integer>();
        for (var process : inSession(sid)) {
            found.add(process[0]);
        }
        return found;
    }

    /**
     * SIGKILL to every process of session {@code sid}, again until none is left: one that
     * forks meanwhile loses its children at the next round. Each is signalled through a
     * pidfd, after the process of that pidfd is seen to be in the session still, so that a
     * pid reused meanwhile is never signalled. Returns how many are left after {@code within}
     * (0 when all are gone).
     */
    public static int kill(int sid, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            var members = members(sid);
            members.remove(Integer.valueOf((int) ProcessHandle.current().pid()));
            if (members.isEmpty()) {
                return 0;
            }
            for (int pid : members) {
                signal(pid, sid, null, SIGKILL);
            }
            if (System.nanoTime() > deadline) {
                return members(sid).size();
            }
            // SIGKILL is delivered at the process's next return to user space: let it land.
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return members(sid).size();
            }
        }
    }

    /**
     * The process groups of session {@code sid}, other than the one {@code pid} leads, that
     * hold {@code pid} or a process descended from it now: where a program has moved a
     * helper into a group of its own. A process whose parent ended before this look is no
     * longer seen as descended from it.
     */
    public static Set<Integer> descendantGroups(int pid, int sid) {
        var children = childrenIn(sid);
        var groups = new HashSet<Integer>();
        var next = new ArrayDeque<Integer>(List.of(pid));
        var seen = new HashSet<Integer>();
        while (!next.isEmpty()) {
            int parent = next.poll();
            if (!seen.add(parent)) {
                continue;
            }
            for (var child : children.apply(parent)) {
                if (child[2] != pid) {
                    groups.add(child[2]);
                }
                next.add(child[0]);
            }
        }
        return groups;
    }

    /** Whether this kernel lists each task's children in /proc (CONFIG_PROC_CHILDREN). */
    private static final boolean CHILDREN_LISTS = Files.exists(PROC.resolve("self/task")
            .resolve(Long.toString(ProcessHandle.current().pid())).resolve("children"));

    /**
     * How the children of a process of session {@code sid} are found, each as {pid, parent,
     * group}: from the kernel's list of them, a look at the program's own tree whatever else
     * runs on the machine; else from one look at every process.
     */
    private static IntFunction<List<int[]>> childrenIn(int sid) {
        if (CHILDREN_LISTS) {
            return parent -> childrenOf(parent, sid);
        }
        var byParent = new HashMap<Integer, List<int[]>>();
        for (var process : inSession(sid)) {
            byParent.computeIfAbsent(process[1], k -> new ArrayList<>()).add(process);
        }
        return parent -> byParent.getOrDefault(parent, List.of());
    }

    /** The live children of {@code parent} in session {@code sid}, each as {pid, parent, group}. */
    private static List<int[]> childrenOf(int parent, int sid) {
        var found = new ArrayList<int[]>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(Integer.toString(parent)).resolve("task"))) {
            for (var task : tasks) {
                for (var word : Files.readString(task.resolve("children"), StandardCharsets.US_ASCII).split(" ")) {
                    if (!isNumber(word)) {
                        continue;
                    }
                    int child = Integer.parseInt(word);
                    var fields = stat(child);
                    if (fields != null && Integer.parseInt(fields[3]) == sid && Integer.parseInt(fields[1]) == parent) {
                        found.add(new int[] {child, parent, Integer.parseInt(fields[2])});
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone meanwhile: it has no children left to look at.
        }
        return found;
    }

    /**
     * Those of {@code groups} in which a process of session {@code sid} lives (zombies aside):
     * what a program left in its groups after its end, while it is held unreaped. A group
     * found empty stays so: no process can join a group that has no member left.
     */
    public static Set<Integer> liveGroups(int sid, Set<Integer> groups) {
        var live = new HashSet<Integer>();
        for (var process : inSession(sid)) {
            if (groups.contains(process[2])) {
                live.add(process[2]);
            }
        }
        return live;
    }

    /**
     * {@code signal} to every process of session {@code sid} in one of {@code groups}, each
     * through a pidfd after it is seen to be in that session and group still, so that a
     * number taken by another process meanwhile is never signalled.
     */
    public static void signalGroups(int sid, Set<Integer> groups, int signal) {
        if (groups.isEmpty()) {
            return;
        }
        for (var process : inSession(sid)) {
            if (groups.contains(process[2])) {
                signal(process[0], sid, groups, signal);
            }
        }
    }

    /** Each live process of session {@code sid} as {pid, parent, group}. */
    private static List<int[]> inSession(int sid) {
        var found = new ArrayList<int[]>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC, entry -> isNumber(entry.getFileName().toString()))) {
            for (var entry : all) {
                int pid = Integer.parseInt(entry.getFileName().toString());
                var fields = stat(pid);
                try {
                    if (fields != null && Integer.parseInt(fields[3]) == sid) {
                        found.add(new int[] {pid, Integer.parseInt(fields[1]), Integer.parseInt(fields[2])});
                    }
                } catch (RuntimeException e) {
                    // Not a stat line as the kernel writes it: not one of the session's.
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: none found, as if the session had no member left.
        }
        return found;
    }

    /** {@code signal} to {@code pid} through a pidfd, if it is in session {@code sid} still, and in one of {@code groups} (null: any). */
    private static void signal(int pid, int sid, Set<Integer> groups, int signal) {
        int pidfd;
        try {
            pidfd = Pids.pidfdOpen(pid);
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            return; // gone already
        }
        try {
            var fields = stat(pid);
            // The pidfd holds the process it was opened for; its pid is its own while it lives.
            if (fields != null && Integer.parseInt(fields[3]) == sid
                    && (groups == null || groups.contains(Integer.parseInt(fields[2])))) {
                Processes.signal(pidfd, signal);
            }
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            // It ended between the look and the signal.
        } finally {
            try {
                Libc.close(pidfd);
            } catch (Libc.Failure e) {
                // Nothing more to do with it.
            }
        }
    }

    /** Whether {@code pid} leads its session. */
    public static boolean leads(int pid) {
        return session(pid).orElse(-1) == pid;
    }

    /** The session of {@code pid}, empty when it is gone or a zombie. */
    public static OptionalInt session(int pid) {
        var fields = stat(pid);
        try {
            return fields == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(fields[3]));
        } catch (RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * The fields of /proc/PID/stat after the command's name (state, ppid, pgrp, session, ...),
     * or null when the process is gone or a zombie.
     */
    private static String[] stat(int pid) {
        try {
            var stat = new String(Files.readAllBytes(PROC.resolve(Integer.toString(pid)).resolve("stat")),
                    StandardCharsets.US_ASCII);
            // pid (comm) state ppid pgrp session ...: comm may hold anything, so count from its last ')'.
            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields[0].equals("Z") || fields[0].equals("X") || fields.length < 4 ? null : fields;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isNumber(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
