package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jinetd.daemon.Supervisor;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.control.Signals;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.LogOutput;
import org.jinetd.daemon.os.AppendFile;

/**
 * A supervisor run on a table in the test's JVM, as {@code jinetd run} does it, with its log
 * lines kept for the test to wait on (each added line wakes a waiter on {@link #lines}).
 */
final class Supervised {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final Signals signals = new Signals();

    /** Runs the supervisor of {@code file} on a thread of its own; completes with its outcome. */
    CompletableFuture<Supervisor.Outcome> start(Path file) {
        var output = new LogOutput(new ByteArrayOutputStream(), false, "/nonexistent/journal", "/nonexistent/log",
                AppendFile.ANY);
        var log = new ConnectionLog(line -> {
            synchronized (lines) {
                lines.add(line);
                lines.notifyAll();
            }
        });
        var supervisor = new Supervisor(Config::load, file, log, signals, output);
        var running = new CompletableFuture<Supervisor.Outcome>();
        Thread.ofPlatform().name("supervised").start(() -> {
            try {
                running.complete(supervisor.run());
            } catch (Throwable e) {
                running.completeExceptionally(e);
            }
        });
        return running;
    }

    /** Waits (up to 10 s) until a log line matches. */
    void await(Predicate<String> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (lines) {
            while (lines.stream().noneMatch(matching)) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, "no such log line within 10 s: " + lines);
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
