package org.jinetd.daemon.launch;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jinetd.daemon.os.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaps the programs jinetd spawned itself, and only those: each is watched through a pidfd
 * (never waitpid(-1), which would steal the JVM's own children), and one platform thread
 * polls them all. A pidfd also makes signals safe from pid reuse.
 */
final class Children implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Children.class);

    /** How a child ended: its exit status, or the signal that killed it. */
    record Exit(int pid, OptionalInt status, OptionalInt signal) {}

    private final class Watch {
        final int pid;
        final int pidfd;
        final CompletableFuture<Exit> exit = new CompletableFuture<>();
        boolean reaped;

        Watch(int pid, int pidfd) {
            this.pid = pid;
            this.pidfd = pidfd;
        }
    }

    private final int wakeup;
    private final ConcurrentLinkedQueue<Watch> added = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Watch> watched = new HashMap<>();
    private final Map<Integer, Watch> byPid = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    Children() throws Libc.Failure {
        this.wakeup = Libc.eventfd();
        this.thread = Thread.ofPlatform().name("reaper").daemon(true).start(this::loop);
    }

    /** Starts watching {@code pid}, a child just spawned; completes when it has been reaped. */
    CompletableFuture<Exit> watch(int pid) throws Libc.Failure {
        var watch = new Watch(pid, Libc.pidfdOpen(pid));
        byPid.put(pid, watch);
        added.add(watch);
        wake();
        return watch.exit;
    }

    /** Sends {@code signal} to {@code pid} if it is a child not yet reaped; false if it is gone. */
    boolean signal(int pid, int signal) {
        var watch = byPid.get(pid);
        if (watch == null) {
            return false;
        }
        synchronized (watch) {
            if (watch.reaped) {
                return false;
            }
            try {
                Libc.pidfdSendSignal(watch.pidfd, signal);
                return true;
            } catch (Libc.Failure e) {
                return false;
            }
        }
    }

    /** Children spawned and not yet reaped. */
    int size() {
        return byPid.size();
    }

    private void wake() {
        try (var arena = Arena.ofConfined()) {
            var one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            Libc.write(wakeup, one, 8);
        } catch (Libc.Failure e) {
            LOG.warn("reaper: cannot wake: {}", e.getMessage());
        }
    }

    private void loop() {
        try (var arena = Arena.ofConfined()) {
            var info = arena.allocate(Libc.SIGINFO_SIZE, 8);
            var counter = arena.allocate(JAVA_LONG);
            var fds = arena.allocate(8L * 1024, 8);
            int capacity = 1024;
            while (!closed) {
                for (Watch w; (w = added.poll()) != null; ) {
                    watched.put(w.pidfd, w);
                }
                int count = watched.size() + 1;
                if (count > capacity) {
                    capacity = Integer.highestOneBit(count) * 2;
                    fds = arena.allocate(8L * capacity, 8);
                }
                fds.set(JAVA_INT, 0, wakeup);
                fds.set(JAVA_SHORT, 4, Libc.POLLIN);
                int i = 1;
                for (var fd : watched.keySet()) {
                    fds.set(JAVA_INT, 8L * i, fd);
                    fds.set(JAVA_SHORT, 8L * i + 4, Libc.POLLIN);
                    fds.set(JAVA_SHORT, 8L * i + 6, (short) 0);
                    i++;
                }
                fds.set(JAVA_SHORT, 6, (short) 0);
                try {
                    Libc.poll(fds, count, -1);
                } catch (Libc.Failure e) {
                    if (e.errno != Libc.EINTR) {
                        LOG.warn("reaper: {}", e.getMessage());
                    }
                    continue;
                }
                if (fds.get(JAVA_SHORT, 6) != 0) {
                    try {
                        Libc.read(wakeup, counter, 8);
                    } catch (Libc.Failure e) {
                        // Nothing to read: another wake-up drained it.
                    }
                }
                for (int j = 1; j < count; j++) {
                    if (fds.get(JAVA_SHORT, 8L * j + 6) != 0) {
                        reap(watched.remove(fds.get(JAVA_INT, 8L * j)), info);
                    }
                }
            }
        }
    }

    private void reap(Watch watch, java.lang.foreign.MemorySegment info) {
        Exit exit;
        synchronized (watch) {
            try {
                info.fill((byte) 0);
                Libc.waitidPidfd(watch.pidfd, info);
                int code = info.get(JAVA_INT, Libc.SIGINFO_CODE);
                int status = info.get(JAVA_INT, Libc.SIGINFO_STATUS);
                exit = code == Libc.CLD_EXITED
                        ? new Exit(watch.pid, OptionalInt.of(status), OptionalInt.empty())
                        : new Exit(watch.pid, OptionalInt.empty(), OptionalInt.of(status));
            } catch (Libc.Failure e) {
                LOG.warn("reaper: pid {}: {}", watch.pid, e.getMessage());
                exit = new Exit(watch.pid, OptionalInt.empty(), OptionalInt.empty());
            }
            watch.reaped = true;
            try {
                Libc.close(watch.pidfd);
            } catch (Libc.Failure e) {
                LOG.warn("reaper: close pidfd: {}", e.getMessage());
            }
        }
        byPid.remove(watch.pid);
        watch.exit.complete(exit);
    }

    @Override
    public void close() {
        closed = true;
        wake();
    }
}
