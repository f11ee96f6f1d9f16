package org.jinetd.daemon.launch.program;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread that polls a set of descriptors and, for each that turns readable (or
 * is closed), runs what it was watched with; before each poll it runs the tasks other threads
 * handed it, so that the set is only ever touched by it. One descriptor's trouble never ends
 * the thread; a thread that dies all the same ends the process, as nothing would be watched.
 */
final class PollLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);

    private final String name;
    private final int wakeup;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Descriptor → what reads it: the loop thread's alone. */
    private final Map<Integer, Runnable> readers = new HashMap<>();
    private final Runnable last;
    private final Thread thread;
    private volatile boolean closed;
    /** The thread has stopped: tasks run on their caller's thread. Guarded by {@link #tasks}. */
    private boolean stopped;

    /**
     * @param name  the thread's, and how its log lines begin
     * @param last  what the thread does once it has stopped polling, with every task run
     */
    PollLoop(String name, Runnable last) throws Libc.Failure {
        this.name = name;
        this.last = last;
        this.wakeup = Descriptors.eventfd();
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

    /** On the loop's thread: from now on {@code reader} runs whenever {@code fd} is readable or closed. */
    void watch(int fd, Runnable reader) {
        readers.put(fd, reader);
    }

    /** On the loop's thread: {@code fd} is not polled again. */
    void unwatch(int fd) {
        readers.remove(fd);
    }

    /** Runs {@code task} on the loop's thread, before it next polls; here, once the loop has stopped. */
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

    private void loop() {
        try (var arena = Arena.ofConfined()) {
            var counter = arena.allocate(JAVA_LONG);
            int capacity = 1024;
            var fds = arena.allocate(8L * capacity, 8);
            var ready = new int[capacity];
            while (!closed) {
                runTasks();
                int count = readers.size() + 1;
                if (count > capacity) {
                    capacity = Integer.highestOneBit(count) * 2;
                    fds = arena.allocate(8L * capacity, 8);
                    ready = new int[capacity];
                }
                set(fds, 0, wakeup);
                int i = 1;
                for (var fd : readers.keySet()) {
                    set(fds, i++, fd);
                }
                try {
                    Descriptors.poll(fds, count, -1);
                } catch (Libc.Failure e) {
                    if (e.errno != Libc.EINTR) {
                        LOG.warn("{}: {}", name, e.getMessage());
                    }
                    continue;
                }
                if (fds.get(JAVA_SHORT, 6) != 0) {
                    try {
                        Descriptors.read(wakeup, counter, 8);
                    } catch (Libc.Failure e) {
                        // Nothing to read: another wake-up drained it.
                    }
                }
                // The ready ones first, then their readers: a reader may change the set.
                int n = 0;
                for (int j = 1; j < count; j++) {
                    if (fds.get(JAVA_SHORT, 8L * j + 6) != 0) {
                        ready[n++] = fds.get(JAVA_INT, 8L * j);
                    }
                }
                for (int j = 0; j < n; j++) {
                    var reader = readers.get(ready[j]);
                    if (reader == null) {
                        continue;
                    }
                    try {
                        reader.run();
                    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                        // One descriptor's trouble must not end the thread that watches them all.
                        LOG.warn("{}: descriptor {}: {}", name, ready[j], LogText.thrown(e));
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

    private static void set(MemorySegment fds, int index, int fd) {
        fds.set(JAVA_INT, 8L * index, fd);
        fds.set(JAVA_SHORT, 8L * index + 4, Descriptors.POLLIN);
        fds.set(JAVA_SHORT, 8L * index + 6, (short) 0);
    }

    @Override
    public void close() {
        closed = true;
        wake();
    }
}
