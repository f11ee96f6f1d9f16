package org.jinetd.daemon.launch.spawner;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Pids;
import org.jinetd.daemon.os.Sessions;
import org.jinetd.daemon.os.UnixMessages;

/**
 * The programs a spawner has started and not yet reaped, and their end: each leads a process
 * group of its own in the spawner's session, is watched through a pidfd, and is held unreaped
 * from the first signal of its end to the last, so that its number, and with it its group,
 * stays its own meanwhile. Only the spawner's one thread uses it.
 */
final class SpawnedPrograms {
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;
    private static final int ESRCH = 3;
    private static final int EINVAL = 22;
    /** The first look for what an ended program left in its groups; each next one waits twice as long. */
    private static final long FIRST_LOOK_NANOS = 2_000_000;
    private static final long LONGEST_LOOK_NANOS = 250_000_000;
    /** How long what was left of a program may take to go after its SIGKILL before the program is reaped anyway. */
    private static final long LAST_LOOKS_NANOS = 1_000_000_000;

    /** A program not yet reaped. */
    static final class Running {
        final int pid;
        final int pidfd;
        /** Its connection, kept until it ends, or -1. */
        int kept;
        /** It has ended (seen, not reaped): its pidfd is no longer polled. */
        boolean seen;
        /** Being ended: when SIGKILL goes to what is left of its group, or -1 once it has. */
        long killAt = -1;
        boolean ending;
        /** After its end, when to look again for what it left in its groups, and the pause before the next look. */
        long lookAt;
        long look = FIRST_LOOK_NANOS;
        /** Once SIGKILL has gone to what is left: when to stop looking and reap it, whatever still shows. */
        long lastLookAt;
        /** The other groups of this session its descendants were found in, while it was being ended. */
        final Set<Integer> others = new HashSet<>();

        Running(int pid, int pidfd, int kept) {
            this.pid = pid;
            this.pidfd = pidfd;
            this.kept = kept;
        }
    }

    private final Map<Integer, Running> programs = new LinkedHashMap<>();
    /** The spawner's own pid, and the group it leads. */
    private final int self = (int) ProcessHandle.current().pid();
    /** The spawner's session, where its programs lead groups of their own: -1 when it cannot be read. */
    private final int session = Sessions.session(self).orElse(-1);
    private final MemorySegment info = Arena.ofAuto().allocate(Pids.SIGINFO_SIZE, 8);

    /** A program just spawned, watched through {@code pidfd}, with its connection {@code kept} (or -1). */
    void add(int pid, int pidfd, int kept) {
        programs.put(pid, new Running(pid, pidfd, kept));
    }

    /** The programs not yet seen to end, whose pidfds are polled. */
    List<Running> unseen() {
        var found = new ArrayList<Running>();
        for (var program : programs.values()) {
            if (!program.seen) {
                found.add(program);
            }
        }
        return found;
    }

    /** Nanoseconds from {@code now} to the next step of a program being ended, or Long.MAX_VALUE. */
    long nextStep(long now) {
        long next = Long.MAX_VALUE;
        for (var program : programs.values()) {
            if (program.killAt >= 0) {
                next = Math.min(next, program.killAt - now);
            }
            if (program.ending && program.seen) {
                next = Math.min(next, program.lookAt - now);
            }
        }
        return next;
    }

    /**
     * Ends the program {@code pid}: its connection cut, SIGTERM to its group, and SIGKILL after
     * {@code graceMillis} to what is left of it; 0 or kill's error. A pid that is not a program
     * of this spawner's, or one reaped already, gets nothing: ESRCH.
     */
    int end(int pid, int graceMillis) {
        var program = programs.get(pid);
        if (program == null) {
            return ESRCH;
        }
        if (program.ending) {
            return 0;
        }
        program.ending = true;
        program.killAt = System.nanoTime() + graceMillis * 1_000_000L;
        if (program.kept >= 0) {
            try {
                UnixMessages.shutdown(program.kept);
            } catch (Libc.Failure e) {
                // The client went away already.
            }
        }
        // While its tree is whole: a helper it moved into a group of its own goes with it.
        found(program, Sessions.descendantGroups(pid, session));
        return signal(program, SIGTERM);
    }

    /** {@code signal} to the program's group and to each other group found its; 0 or kill's error for its own. */
    private int signal(Running program, int signal) {
        int sent = signalGroup(program.pid, signal);
        Sessions.signalGroups(session, program.others, signal);
        return sent;
    }

    /** Sends {@code signal} to the process group {@code pid} leads; 0 or kill's error. */
    private static int signalGroup(int pid, int signal) {
        if (pid <= 1 || signal < 1 || signal > 64) {
            return EINVAL;
        }
        try {
            Pids.kill(-pid, signal);
            return 0;
        } catch (Libc.Failure e) {
            return e.errno;
        }
    }

    /**
     * A program has ended: its connection is closed, so that the client sees the end, and what
     * to tell the daemon at once is returned; it is reaped now, or, while it is being ended, once
     * nothing of its groups is left or the last looks after its SIGKILL are over.
     */
    SpawnWire.Exited ended(Running program) {
        program.seen = true;
        boolean exited = false;
        int value = 0;
        try {
            info.fill((byte) 0);
            Pids.waitidPidfd(program.pidfd, info, Pids.WEXITED | Pids.WNOWAIT);
            exited = info.get(JAVA_INT, Pids.SIGINFO_CODE) == Pids.CLD_EXITED;
            value = info.get(JAVA_INT, Pids.SIGINFO_STATUS);
        } catch (Libc.Failure e) {
            System.err.println("jinetd spawner: pid " + program.pid + ": " + e.getMessage());
        }
        close(new int[] {program.kept});
        program.kept = -1;
        if (program.ending) {
            program.lookAt = System.nanoTime();
        } else {
            reap(program);
        }
        return new SpawnWire.Exited(program.pid, exited, value);
    }

    /** The next steps of the programs being ended, as their times come. */
    void ending(long now) {
        for (var program : new ArrayList<>(programs.values())) {
            if (!program.ending) {
                continue;
            }
            if (program.killAt >= 0 && now - program.killAt >= 0) {
                kill(program);
                program.killAt = -1;
                program.lastLookAt = now + LAST_LOOKS_NANOS;
                program.lookAt = now + FIRST_LOOK_NANOS;
                program.look = 2 * FIRST_LOOK_NANOS;
            }
            if (program.seen && now - program.lookAt >= 0) {
                if (!lives(program) || (program.killAt < 0 && now - program.lastLookAt >= 0)) {
                    // Nothing of it is left to end, or nothing more that a signal can end.
                    reap(program);
                    continue;
                }
                if (program.killAt < 0) {
                    // Forked after the last SIGKILL: it gets its own.
                    kill(program);
                }
                program.lookAt = now + program.look;
                program.look = Math.min(2 * program.look, LONGEST_LOOK_NANOS);
            }
        }
    }

    /** SIGKILL to the program's group and to each other group of its descendants, found again now. */
    private void kill(Running program) {
        if (!program.seen) {
            found(program, Sessions.descendantGroups(program.pid, session));
        }
        signal(program, SIGKILL);
    }

    /**
     * Takes the groups where a descendant of {@code program} was found as its own, but for the
     * spawner's group and those its other programs lead: a process may join any group of the
     * session, and none of those is the program's to end.
     */
    private void found(Running program, Set<Integer> groups) {
        for (int group : groups) {
            if (group != self && !programs.containsKey(group)) {
                program.others.add(group);
            }
        }
    }

    /**
     * Whether anything of the program's group, or of the other groups found its, still lives;
     * a group found empty is let go, as its number may pass to another process after.
     */
    private boolean lives(Running program) {
        var groups = new HashSet<>(program.others);
        groups.add(program.pid);
        var live = Sessions.liveGroups(session, groups);
        program.others.retainAll(live);
        return !live.isEmpty();
    }

    /** Reaps a program that has ended: from now on its pid may be another's, and it is never signalled again. */
    private void reap(Running program) {
        programs.remove(program.pid);
        try {
            Pids.waitidPidfd(program.pidfd, info);
        } catch (Libc.Failure e) {
            System.err.println("jinetd spawner: reap " + program.pid + ": " + e.getMessage());
        }
        close(new int[] {program.pidfd, program.kept});
    }

    /** A child that cannot be watched: killed and reaped, while its pid is still its own. */
    static void killAndReap(int pid) {
        try {
            Pids.kill(pid, SIGKILL);
            Pids.waitpid(pid);
        } catch (Libc.Failure e) {
            System.err.println("jinetd spawner: cannot end unwatched child " + pid + ": " + e.getMessage());
        }
    }

    /** The way out: every program's group (each unreaped, so still its own), then anything else left in its session, killed. */
    void endAll() {
        for (var program : new ArrayList<>(programs.values())) {
            signal(program, SIGKILL);
        }
        // The session is its own only when it leads it, as the daemon starts it; not so in training.
        if (Sessions.leads(self)) {
            Sessions.kill(self, Duration.ofSeconds(2));
        }
    }

    /** Closes each of {@code fds} that is one (-1: none); one closed already is let be. */
    static void close(int[] fds) {
        for (int fd : fds) {
            if (fd < 0) {
                continue;
            }
            try {
                Libc.close(fd);
            } catch (Libc.Failure e) {
                // Closed already.
            }
        }
    }
}
