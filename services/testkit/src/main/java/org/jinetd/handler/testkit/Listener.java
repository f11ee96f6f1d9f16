package org.jinetd.handler.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A handler's socket and the runs of the handler on it: one virtual thread per connection or
 * datagram, as jinetd runs them, each remembered until it ends, and what each threw.
 */
abstract sealed class Listener implements Closeable permits StreamListener, DatagramListener {
    /** 127.0.0.1 itself, not whatever {@code localhost} prefers. */
    static final InetAddress LOOPBACK = loopback();
    /** How long a run that was closed and interrupted has to end. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    final String service;
    final Duration deadline;
    // A handler still running, and what ends it early (its connection, closed), as jinetd's stop does.
    private final Map<Thread, Closeable> running = new ConcurrentHashMap<>();
    // One entry per run that ended: empty when it returned, else what it threw.
    private final BlockingQueue<Optional<Throwable>> ended = new LinkedBlockingQueue<>();
    // The listener's own failures (accept, receive): no handler ran, yet the test must hear of them.
    private final List<Throwable> problems = new CopyOnWriteArrayList<>();
    private final Object counts = new Object();
    private long expected;
    private long arrived;

    Listener(String service, Duration deadline) {
        this.service = service;
        this.deadline = deadline;
    }

    /** {@return the address clients connect or send to} */
    abstract InetSocketAddress address();

    /** Whether an exception is the client's doing (it reset or left), which jinetd does not count as a failure. */
    abstract boolean byClient(Throwable thrown);

    /** Counts a connection or datagram a client of the kit sent, so that {@link #settle} waits for it to arrive. */
    void expect() {
        synchronized (counts) {
            expected++;
        }
    }

    /** Counts one connection or datagram as arrived, once its run is registered or its end recorded. */
    void arrived() {
        synchronized (counts) {
            arrived++;
            counts.notifyAll();
        }
    }

    void problem(Throwable thrown) {
        problems.add(thrown);
    }

    /** Starts {@code body} on a virtual thread of its own; {@code connection} is closed when it ends. */
    void run(Closeable connection, Body body) {
        var thread = Thread.ofVirtual().name(service + " handler").unstarted(() -> {
            Optional<Throwable> thrown = Optional.empty();
            try {
                body.run();
            } catch (Throwable t) {
                thrown = Optional.of(t);
            }
            try {
                connection.close();
            } catch (IOException e) {
                // Closing a socket fails only when it is already broken; the handler's end is what counts.
            }
            // Leaving and recording the end are one step for settle(): a run it no longer
            // sees running has its end recorded, and one it gave up on records nothing.
            synchronized (running) {
                if (running.remove(Thread.currentThread()) != null) {
                    ended.add(thrown);
                }
            }
        });
        // Registered before it starts, so that a run that ends at once is never missed.
        running.put(thread, connection);
        thread.start();
    }

    /** What a run does. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** Records the end of a run that never got a thread (a {@code reply} that threw). */
    void ended(Optional<Throwable> thrown) {
        ended.add(thrown);
    }

    /** Waits for the next run to end; what it threw is then the caller's to judge. */
    Optional<Throwable> awaitEnd() {
        try {
            var end = ended.poll(deadline.toNanos(), TimeUnit.NANOSECONDS);
            if (end == null) {
                throw new AssertionError("no handler of " + service + " ended within " + deadline);
            }
            return end;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a handler of " + service + " to end", e);
        }
    }

    /**
     * After a test, once its clients are closed: waits for everything they sent to arrive and
     * for every run to end, then fails if one is still running, or threw what no test claimed
     * with {@link #awaitEnd}, or the listener itself failed. A run still running is ended as
     * jinetd's stop ends it: its connection closed, its thread interrupted.
     */
    void settle(boolean mustArrive) {
        long until = System.nanoTime() + deadline.toNanos();
        var failures = new ArrayList<Throwable>();
        try {
            if (!awaitArrivals(until) && mustArrive) {
                failures.add(new AssertionError("a client of " + service + " connected, but the connection was not "
                        + "accepted within " + deadline));
            }
            var hung = new ArrayList<Thread>();
            for (var thread : runs()) {
                if (!thread.join(Duration.ofNanos(Math.max(0, until - System.nanoTime())))) {
                    failures.add(end(thread));
                    hung.add(thread);
                }
            }
            for (var thread : hung) {
                thread.join(GRACE);
            }
            abandon(hung);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(new AssertionError("interrupted while waiting for the handlers of " + service + " to end", e));
        }
        for (Optional<Throwable> end; (end = ended.poll()) != null; ) {
            end.filter(thrown -> !byClient(thrown)).ifPresent(failures::add);
        }
        failures.addAll(problems);
        problems.clear();
        if (!failures.isEmpty()) {
            throw failure(failures);
        }
    }

    private List<Thread> runs() {
        synchronized (running) {
            return List.copyOf(running.keySet());
        }
    }

    /** Forgets runs that ignored both the close and the interrupt: whatever they do later is no test's. */
    private void abandon(List<Thread> hung) {
        synchronized (running) {
            hung.forEach(running::remove);
        }
    }

    private boolean awaitArrivals(long until) throws InterruptedException {
        synchronized (counts) {
            while (arrived < expected) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    // Counted as arrived from now on, so that the next test does not wait for them too.
                    arrived = expected;
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(counts, left);
            }
            return true;
        }
    }

    /** Describes a run that did not end, with where it was, then ends it. */
    private AssertionError end(Thread thread) {
        var where = new AssertionError("a handler of " + service + " was still running " + deadline
                + " after the test's clients closed (it is now closed and interrupted, as jinetd's stop would);"
                + " the stack trace below is where it was");
        where.setStackTrace(thread.getStackTrace());
        var connection = running.get(thread);
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (IOException e) {
            where.addSuppressed(e);
        }
        thread.interrupt();
        return where;
    }

    private AssertionError failure(List<Throwable> failures) {
        var first = failures.getFirst();
        AssertionError error;
        if (first instanceof AssertionError assertion && failures.size() == 1) {
            error = assertion;
        } else {
            var count = failures.size() == 1 ? "" : " (and " + (failures.size() - 1) + " more, suppressed below)";
            error = new AssertionError("a handler of " + service + " threw " + first + count, first);
            failures.stream().skip(1).forEach(error::addSuppressed);
        }
        return error;
    }

    private static InetAddress loopback() {
        try {
            return Inet4Address.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
