package org.jinetd.daemon.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

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
        try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC, entry -> isNumber(entry.getFileName().toString()))) {
            for (var entry : all) {
                int pid = Integer.parseInt(entry.getFileName().toString());
                if (session(pid).orElse(-1) == sid) {
                    found.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: nothing found, as if it had no member left.
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
                kill(pid, sid);
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

    private static void kill(int pid, int sid) {
        int pidfd;
        try {
            pidfd = Pids.pidfdOpen(pid);
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            return; // gone already
        }
        try {
            // The pidfd holds the process it was opened for; its pid is its own while it lives.
            if (session(pid).orElse(-1) == sid) {
                Processes.signal(pidfd, SIGKILL);
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

    /**
     * Whether any process of process group {@code pgid} lives (zombies aside): what a program
     * left in its group after its end, while its leader is held unreaped.
     */
    public static boolean groupLives(int pgid) {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC, entry -> isNumber(entry.getFileName().toString()))) {
            for (var entry : all) {
                var fields = stat(Integer.parseInt(entry.getFileName().toString()));
                if (fields != null && Integer.parseInt(fields[2]) == pgid) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: as if none were left; the grace's SIGKILL still comes where one is.
        }
        return false;
    }

    /** Whether {@code pid} leads its session. */
    public static boolean leads(int pid) {
        return session(pid).orElse(-1) == pid;
    }

    /** The session of {@code pid}, empty when it is gone or a zombie. */
    static OptionalInt session(int pid) {
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
