package org.jinetd.daemon.launch.program;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Pids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the programs jinetd spawned itself, and only those: each through a pidfd (never
 * waitpid(-1), which would steal the JVM's own children), on one thread that polls them all
 * ({@link PollLoop}, the "reaper"), with the pipes of their stderr and the sockets of the
 * spawners of other users (whose programs the spawner reaps, and says so). A child that has
 * ended is seen without being reaped ({@link Watch}): its end is told at once, and it is
 * reaped once nothing holds it, so that what signals its group after its end (a
 * {@link Termination}) cannot reach a process that took its number. Its stderr is read to what
 * is there when it ends, and closed, so that a grandchild holding the pipe cannot hold the
 * connection's place.
 */
public final class Children implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Children.class);
    private static final int CHUNK = 4096;
    /** Chunks of one child's stderr read before the others get their turn. */
    private static final int READS_AT_ONCE = 16;

    /** Opens the pidfd of a child; a test makes it fail. */
    @FunctionalInterface
    interface PidfdOpener {
        int open(int pid) throws Libc.Failure;
    }

    private final PidfdOpener opener;
    private final Map<Integer, Watch> byPid = new ConcurrentHashMap<>();
    /** Where stderr is read into; the reaper thread's alone. */
    private final MemorySegment chunk = Arena.ofAuto().allocate(CHUNK);
    /** Where waitid says how a child ended; the reaper thread's alone. */
    private final MemorySegment info = Arena.ofAuto().allocate(Pids.SIGINFO_SIZE, 8);
    /** Notified whenever a hold is given back. */
    private final Object held = new Object();
    /** Programs not yet ended: children reaped here, and those of spawners. */
    private final AtomicInteger programs = new AtomicInteger();
    private final PollLoop loop;

    public Children() throws Libc.Failure {
        this(Pids::pidfdOpen);
    }

    Children(PidfdOpener opener) throws Libc.Failure {
        Pids.linkChildCalls();
        this.opener = opener;
        this.loop = new PollLoop("reaper", this::sweep);
    }

    /**
     * Starts watching {@code pid}, a child just spawned: its {@link Watch#exit} completes when
     * it has ended. Killed and reaped at once where it cannot be watched. Its stderr is the
     * reaper's from this call on, whether or not it returns.
     *
     * @param stderr the read end of its stderr pipe (the reaper closes it), or -1
     * @param lines  where its stderr goes, a line at a time (null without a pipe)
     */
    Watch watch(int pid, int stderr, StderrLines lines) throws Libc.Failure {
        return watch(pid, stderr, lines, false);
    }

    /**
     * As {@link #watch(int, int, StderrLines)}, for a spawner: a child that is not a program, not
     * counted in {@link #size}, and held from the start ({@link Watch#hold}), so that it is not
     * reaped before its session has been ended; whoever ends it gives the hold back.
     */
    public Watch watchSpawner(int pid, int stderr, StderrLines lines) throws Libc.Failure {
        return watch(pid, stderr, lines, true);
    }

    private Watch watch(int pid, int stderr, StderrLines lines, boolean spawner) throws Libc.Failure {
        int pidfd;
        try {
            pidfd = opener.open(pid);
        } catch (Libc.Failure | RuntimeException | Error e) {
            end(pid);
            Programs.closeQuietly(stderr);
            throw e;
        }
        var watch = new Watch(pid, pidfd, stderr, lines, !spawner);
        if (spawner) {
            watch.hold();
        }
        if (watch.program) {
            programs.incrementAndGet();
        }
        byPid.put(pid, watch);
        // Added from this thread: the reaper is not woken until the child has something to say.
        // Its stderr first: the child's end drains and closes it, and so must find it watched.
        try {
            if (watch.stderrOpen) {
                loop.watch(watch.stderr, () -> readStderrOf(watch));
            }
        } catch (Libc.Failure | RuntimeException e) {
            unwatchable(watch);
            closeStderr(watch);
            throw e;
        }
        try {
            loop.watch(watch.pidfd, () -> ended(watch));
        } catch (Libc.Failure | RuntimeException e) {
            unwatchable(watch);
            loop.run(() -> drainStderr(watch));
            throw e;
        }
        return watch;
    }

    /** A child that could not be watched after all: ended and reaped now, and forgotten. */
    private void unwatchable(Watch watch) {
        byPid.remove(watch.pid);
        if (watch.program) {
            programs.decrementAndGet();
        }
        end(watch.pid);
        Programs.closeQuietly(watch.pidfd);
    }

    /**
     * Follows the stderr of a program that a spawner started (and reaps): read as a child's
     * is, until {@link #finish} says how the program ended.
     *
     * @param stderr the read end of its stderr pipe (the reaper closes it), or -1
     * @param lines  where its stderr goes (null without a pipe)
     */
    public Watch follow(int pid, int stderr, StderrLines lines) {
        var watch = new Watch(pid, -1, stderr, lines, true);
        programs.incrementAndGet();
        loop.run(() -> add(watch));
        return watch;
    }

    /**
     * The program of {@code watch} (from {@link #follow}) has ended: its stderr is read and
     * closed, then its end told: {@code exit}, or {@code failure} where how it ended is not known.
     */
    public void finish(Watch watch, Exit exit, Throwable failure) {
        loop.run(() -> {
            if (watch.exit.isDone()) {
                return;
            }
            over(watch);
            drainStderr(watch);
            programs.decrementAndGet();
            if (failure != null) {
                watch.exit.completeExceptionally(failure);
            } else {
                watch.exit.complete(exit);
            }
        });
    }

    /** From now on the reaper reads {@code socket} for {@code reader} whenever it is readable (or closed). */
    public void listen(int socket, Runnable reader) {
        loop.run(() -> {
            try {
                loop.watch(socket, reader);
            } catch (Libc.Failure | IllegalStateException e) {
                LOG.warn("reaper: cannot watch socket {}: {}", socket, e.getMessage());
            }
        });
    }

    /** The reaper stops reading {@code socket}, and closes it: not before, as it may be polling it now. */
    public void drop(int socket) {
        loop.run(() -> {
            loop.unwatch(socket);
            try {
                Libc.close(socket);
            } catch (Libc.Failure e) {
                LOG.warn("reaper: close socket: {}", e.getMessage());
            }
        });
    }

    /** On the reaper's thread: the stderr of a program a spawner started is read from now on. */
    private void add(Watch watch) {
        if (watch.stderrOpen) {
            try {
                loop.watch(watch.stderr, () -> readStderrOf(watch));
            } catch (Libc.Failure | IllegalStateException e) {
                LOG.warn("reaper: cannot watch the stderr of {}: {}", watch.pid, e.getMessage());
                closeStderr(watch);
            }
        }
    }

    /** On the reaper's thread, whenever the stderr of {@code watch} is readable or at its end. */
    private void readStderrOf(Watch watch) {
        try {
            readStderr(watch);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // Its stderr is given up on, never the reaper.
            loop.unwatch(watch.stderr);
            closeStderr(watch);
            throw e;
        }
    }

    /**
     * Ends and reaps a child that cannot be watched: left alone it would serve outside every
     * limit and never be reaped. Not reaped yet, its pid is still its own, so kill(2) is safe.
     */
    private static void end(int pid) {
        try {
            Pids.kill(pid, Termination.SIGKILL);
            Pids.waitpid(pid);
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            LOG.warn("reaper: cannot end unwatched child {}: {}", pid, e.getMessage());
        }
    }

    /**
     * Gives back a {@link Watch#hold}: a child that has ended and that nothing holds any more
     * is reaped, on the reaper thread.
     */
    public void release(Watch watch) {
        if (watch.unhold()) {
            loop.run(() -> reap(watch));
        } else if (loop.stopped() && !watch.held()) {
            // The reaper stopped before it saw this child end, and nothing will see it now (a
            // spawner killed while the daemon stopped): reaped here once it has ended.
            reapIfEnded(watch);
        }
        synchronized (held) {
            held.notifyAll();
        }
    }

    /** Waits until no program is held for its end (a {@link Termination} under way), or {@code limit} has passed. */
    public boolean awaitEnded(java.time.Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (held) {
            while (byPid.values().stream().anyMatch(watch -> watch.program && watch.held())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                held.wait(Math.max(1, Math.min(100, left / 1_000_000)));
            }
        }
        return true;
    }

    /** Children spawned and not yet reaped, and programs of spawners not yet ended. */
    public int size() {
        return programs.get();
    }

    /**
     * Reads what is there, up to {@value #READS_AT_ONCE} chunks, so that a program that
     * writes without end cannot keep the reaper from the others; false once the pipe is at
     * its end (and closed).
     */
    private boolean readStderr(Watch watch) {
        for (int reads = 0; watch.stderrOpen; reads++) {
            if (reads == READS_AT_ONCE) {
                return true;
            }
            long n;
            try {
                n = Descriptors.read(watch.stderr, chunk, CHUNK);
            } catch (Libc.Failure e) {
                return true; // EAGAIN: nothing more now
            }
            if (n <= 0) {
                // Out of the set before it is closed: its number may be another's the moment after.
                loop.unwatch(watch.stderr);
                closeStderr(watch);
                return false;
            }
            var bytes = chunk.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            watch.lines.feed(bytes, 0, bytes.length);
        }
        return false;
    }

    /** Whatever a child wrote before it ended is logged before its end is; then its pipe is closed. */
    private void drainStderr(Watch watch) {
        if (watch.stderrOpen) {
            loop.unwatch(watch.stderr);
            readStderr(watch);
            closeStderr(watch);
        }
    }

    private static void closeStderr(Watch watch) {
        if (!watch.stderrOpen) {
            return;
        }
        watch.stderrOpen = false;
        watch.lines.end();
        try {
            Libc.close(watch.stderr);
        } catch (Libc.Failure e) {
            LOG.warn("reaper: close stderr of {}: {}", watch.pid, e.getMessage());
        }
    }

    /**
     * A child has ended: it is reaped now if nothing holds it (its group is not being ended),
     * else when the last hold is given back; either way, how it ended is told now, after its
     * stderr.
     */
    private void ended(Watch watch) {
        over(watch);
        drainStderr(watch);
        loop.unwatch(watch.pidfd);
        Exit exit;
        try {
            info.fill((byte) 0);
            // Reaped now where nothing holds it (one waitid says how it ended and reaps it), else only looked at.
            if (!watch.seenAndReaped(info) && !watch.reaped()) {
                Pids.waitidPidfd(watch.pidfd, info, Pids.WEXITED | Pids.WNOWAIT);
            }
            int code = info.get(JAVA_INT, Pids.SIGINFO_CODE);
            int status = info.get(JAVA_INT, Pids.SIGINFO_STATUS);
            exit = code == Pids.CLD_EXITED
                    ? new Exit(watch.pid, OptionalInt.of(status), OptionalInt.empty())
                    : new Exit(watch.pid, OptionalInt.empty(), OptionalInt.of(status));
        } catch (Libc.Failure e) {
            LOG.warn("reaper: pid {}: {}", watch.pid, e.getMessage());
            exit = new Exit(watch.pid, OptionalInt.empty(), OptionalInt.empty());
        }
        if (watch.reaped()) {
            byPid.remove(watch.pid);
        }
        if (watch.program) {
            programs.decrementAndGet();
        }
        watch.exit.complete(exit);
    }

    /** What was asked to run at the child's end, before anything else: a fault in it costs that action alone. */
    private static void over(Watch watch) {
        try {
            watch.over();
        } catch (RuntimeException e) {
            LOG.warn("reaper: at the end of {}: {}", watch.pid, e.toString());
        }
    }

    /** Reaps a child that has ended and that nothing holds. */
    private void reap(Watch watch) {
        try {
            // The reaper's own, or, once it has stopped, one for this call.
            watch.reap(loop.onLoop() ? info : Arena.ofAuto().allocate(Pids.SIGINFO_SIZE, 8));
        } catch (Libc.Failure e) {
            LOG.warn("reaper: pid {}: {}", watch.pid, e.getMessage());
        }
        byPid.remove(watch.pid);
    }

    /**
     * The reaper has stopped: a child that ended after its last look (a spawner just killed)
     * is reaped now, or it would stay a zombie for as long as this JVM lives; one that runs on
     * is left as it is.
     */
    private void sweep() {
        for (var watch : byPid.values()) {
            if (!watch.held()) {
                reapIfEnded(watch);
            }
        }
    }

    /** Reaps a child of this daemon's that has ended, where nothing holds it; one that runs on is left. */
    private void reapIfEnded(Watch watch) {
        if (watch.pidfd < 0) {
            return;
        }
        var siginfo = loop.onLoop() ? info : Arena.ofAuto().allocate(Pids.SIGINFO_SIZE, 8);
        try {
            siginfo.fill((byte) 0);
            Pids.waitidPidfd(watch.pidfd, siginfo, Pids.WEXITED | Pids.WNOWAIT | Pids.WNOHANG);
            if (siginfo.get(JAVA_INT, Pids.SIGINFO_PID) != 0 && watch.seen()) {
                reap(watch);
            }
        } catch (Libc.Failure e) {
            // Reaped already, or gone: nothing left of it here.
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
