package org.jinetd.daemon.launch.program;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.Epoll;
import org.jinetd.daemon.os.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread that waits on a set of descriptors (an epoll set) and, for each that
 * turns readable (or is closed), runs what it was watched with. Any thread may add a
 * descriptor, without waking the loop: the kernel wakes it when that descriptor has
 * something. Only the loop's thread takes one out ({@link #unwatch}), before it closes it;
 * each registration has a token of its own, so that an event for a number that was closed
 * and opened again since it was reported never reaches the new one's reader. Before each
 * wait it runs the tasks other threads handed it. One descriptor's trouble never ends the
 * thread; a thread that dies all the same ends the process, as nothing would be watched.
 */
final class PollLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
    /** Events taken from the kernel at once; more wait for the next turn. */
    private static final int BATCH = 256;
    /** The token of the loop's own wake-up descriptor. */
    private static final int WAKEUP = 0;

    private record Reader(int token, Runnable run) {}

    private final String name;
    private final int epoll;
    private final int wakeup;
    /** How long a close waits for the loop to stop. */
    private static final java.time.Duration CLOSING = java.time.Duration.ofSeconds(2);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Descriptor → what reads it. */
    private final Map<Integer, Reader> readers = new ConcurrentHashMap<>();
    private final AtomicInteger tokens = new AtomicInteger(WAKEUP);
    private final Runnable last;
    private final Thread thread;
    private volatile boolean closed;
    /** The thread has stopped: tasks run on their caller's thread. Guarded by {@link #tasks}. */
    private boolean stopped;

    /**
     * @param name  the thread's, and how its log lines begin
     * @param last  what the thread does once it has stopped waiting, with every task run
     */
    PollLoop(String name, Runnable last) throws Libc.Failure {
        this.name = name;
        this.last = last;
        this.epoll = Epoll.create();
        try {
            this.wakeup = Descriptors.eventfd();
            Epoll.add(epoll, wakeup, data(WAKEUP, wakeup));
        } catch (Libc.Failure | RuntimeException e) {
            Programs.closeQuietly(epoll);
            throw e;
        }
        this.thread = Thread.ofPlatform().name(name).daemon(true).uncaughtExceptionHandler((t, e) -> {
            // Past the guards in the loop: serving on with nothing watched would fill every limit
            // with programs never reaped. Better to end, and be restarted by the service manager.
            LOG.error("{}: died ({}); nothing would be watched again: exiting", name, e.toString());
            Runtime.getRuntime().halt(70);
        }).start(this::loop);
    }

    /** Whether the caller is the loop's own thread. */
    boolean onLoop() {
        return Thread.currentThread() == thread;
    }

    /** Whether the loop has stopped: nothing it watched is looked at again. */
    boolean stopped() {
        synchronized (tasks) {
            return stopped;
        }
    }

    /**
     * From any thread: from now on {@code reader} runs on the loop's thread whenever {@code fd}
     * is readable or closed. The caller keeps {@code fd} open until the loop has unwatched it.
     */
    void watch(int fd, Runnable reader) throws Libc.Failure {
        int token = tokens.incrementAndGet();
        if (token == WAKEUP) {
            token = tokens.incrementAndGet();
        }
        // Under the lock the loop stops with: the set is never added to once it is closed.
        synchronized (tasks) {
            if (closed || stopped) {
                // Nothing will read it: the caller ends and closes what it meant to have watched.
                throw new IllegalStateException(name + " is stopping");
            }
            readers.put(fd, new Reader(token, reader));
            try {
                Epoll.add(epoll, fd, data(token, fd));
            } catch (Libc.Failure | RuntimeException e) {
                readers.remove(fd);
                throw e;
            }
        }
    }

    /** On the loop's thread: {@code fd} is not waited on again, and may be closed. */
    void unwatch(int fd) {
        if (readers.remove(fd) == null) {
            return;
        }
        try {
            Epoll.delete(epoll, fd);
        } catch (Libc.Failure e) {
            LOG.warn("{}: descriptor {}: {}", name, fd, e.getMessage());
        }
    }

    /** Runs {@code task} on the loop's thread, before it next waits; here, once the loop has stopped. */
    void run(Runnable task) {
        synchronized (tasks) {
            if (!stopped) {
                tasks.add(task);
                if (!onLoop()) {
                    wake();
                }
                return;
            }
        }
        task.run();
    }

    private void wake() {
        try (var arena = Arena.ofConfined()) {
            var one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            Descriptors.write(wakeup, one, 8);
        } catch (Libc.Failure e) {
            LOG.warn("{}: cannot wake: {}", name, e.getMessage());
        }
    }

    private static long data(int token, int fd) {
        return (long) token << 32 | (fd & 0xffffffffL);
    }

    private void loop() {
        try (var arena = Arena.ofConfined()) {
            var counter = arena.allocate(JAVA_LONG);
            var events = arena.allocate(Epoll.EVENT_SIZE * BATCH, 8);
            while (!closed) {
                runTasks();
                int n;
                try {
                    n = Epoll.await(epoll, events, BATCH, -1);
                } catch (Libc.Failure e) {
                    if (e.errno != Libc.EINTR) {
                        LOG.warn("{}: {}", name, e.getMessage());
                    }
                    continue;
                }
                // What the kernel gave stays as it is until the next wait, whatever the readers change.
                for (int i = 0; i < n; i++) {
                    long data = Epoll.data(events, i);
                    int token = (int) (data >>> 32);
                    int fd = (int) data;
                    if (token == WAKEUP) {
                        try {
                            Descriptors.read(wakeup, counter, 8);
                        } catch (Libc.Failure e) {
                            // Nothing to read: another wake-up drained it.
                        }
                        continue;
                    }
                    var reader = readers.get(fd);
                    if (reader == null || reader.token() != token) {
                        continue; // unwatched since, or another descriptor with that number now
                    }
                    try {
                        reader.run().run();
                    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                        // One descriptor's trouble must not end the thread that watches them all.
                        LOG.warn("{}: descriptor {}: {}", name, fd, LogText.thrown(e));
                    }
                }
            }
        }
        // What was asked before the close is done; what is asked after it, its caller does.
        synchronized (tasks) {
            stopped = true;
        }
        runTasks();
        last.run();
        Programs.closeQuietly(epoll);
        Programs.closeQuietly(wakeup);
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            try {
                task.run();
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                LOG.warn("{}: {}", name, LogText.thrown(e));
            }
        }
    }

    /**
     * Stops the loop; from another thread, returns once it has stopped (for {@link #CLOSING} at
     * most), with what it was asked before done: a child reaped, a stderr read to its end.
     */
    @Override
    public void close() {
        synchronized (tasks) {
            if (closed || stopped) {
                return;
            }
            closed = true;
            wake();
        }
        if (!onLoop()) {
            try {
                thread.join(CLOSING);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
