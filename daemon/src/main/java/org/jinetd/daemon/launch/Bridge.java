package org.jinetd.daemon.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.Ended;

/**
 * A program on pipes: the daemon copies the connection to its stdin and its stdout to the
 * connection, passing each end-of-stream on as the other side's half-close.
 */
final class Bridge {
    private static final int BUFFER = 16 * 1024;

    private final ConnectionLog log;
    private final Setup setup;

    Bridge(ConnectionLog log, Setup setup) {
        this.log = log;
        this.setup = setup;
    }

    /** Runs on the connection's own virtual thread until the program has exited. */
    void serve(Accepted accepted, Launch.Exec exec, Live.Entry entry) {
        var service = accepted.service();
        // The JDK cannot give a child a session of its own: setsid does, first of the wrappers.
        var command = Command.of(exec, ChildEnvironment.of(service, exec, accepted.peer(), accepted.local(),
                accepted.credentials()), setup, true);
        var builder = new ProcessBuilder(command.argv()).directory(new java.io.File(command.cwd()));
        builder.environment().clear();
        builder.environment().putAll(command.env());
        switch (exec.stderr()) {
            case LOG -> builder.redirectError(ProcessBuilder.Redirect.PIPE);
            case SOCKET -> builder.redirectErrorStream(true);
            case NULL -> builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            entry.close();
            finish(accepted, OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                    Optional.of("spawn failed: " + e.getMessage()));
            return;
        }
        var channel = accepted.channel();
        var timeouts = service.timeouts();
        entry.onAbort(() -> {
            process.destroy();
            StreamLauncher.close(accepted);
            Thread.ofVirtual().start(() -> {
                try {
                    process.waitFor(timeouts.killGrace().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                process.destroyForcibly();
            });
        });
        entry.pid(process.pid());
        try (entry; var watchdog = Watchdog.start(timeouts, accepted.since(), true, entry)) {
            var threads = new ArrayList<Thread>();
            threads.add(Thread.ofVirtual().start(() -> inbound(channel, process.getOutputStream(), watchdog)));
            if (exec.stderr() == Launch.Stderr.LOG) {
                threads.add(StderrLines.follow(log, service.name(), process.pid(), process.getErrorStream()));
            }
            outbound(process.getInputStream(), channel, watchdog);
            int status = waitFor(process);
            // The program is gone: whatever the client still sends has nowhere to go.
            StreamLauncher.close(accepted);
            join(threads);
            finish(accepted, OptionalLong.of(process.pid()), OptionalLong.of(status), entry.reason(), Optional.empty());
        }
    }

    /** Client to program; the client's EOF closes the program's stdin. */
    private static void inbound(SocketChannel channel, OutputStream stdin, Watchdog watchdog) {
        var buffer = ByteBuffer.allocate(BUFFER);
        try (stdin) {
            while (channel.read(buffer.clear()) >= 0) {
                watchdog.touch();
                stdin.write(buffer.array(), 0, buffer.position());
                stdin.flush();
            }
        } catch (IOException e) {
            // The client went away, or the program closed its stdin: either ends this direction.
        }
    }

    /** Program to client; the program's EOF half-closes the connection. */
    private static void outbound(InputStream stdout, SocketChannel channel, Watchdog watchdog) {
        var bytes = new byte[BUFFER];
        try (stdout) {
            int n;
            while ((n = stdout.read(bytes)) >= 0) {
                watchdog.touch();
                var buffer = ByteBuffer.wrap(bytes, 0, n);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            channel.shutdownOutput();
        } catch (IOException e) {
            // The client is gone; closing stdout tells the program (EPIPE) on its next write.
        }
    }

    private static int waitFor(Process process) {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                // A connection thread is interrupted only by a stop; the abort kills the program.
                process.destroy();
            }
        }
    }

    private static void join(List<Thread> threads) {
        for (var thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void finish(Accepted accepted, OptionalLong pid, OptionalLong exit, Optional<String> reason,
                        Optional<String> error) {
        StreamLauncher.close(accepted);
        accepted.ticket().release();
        // The JDK reports death by signal N as status 128+N.
        Optional<String> signal = Optional.empty();
        var status = exit;
        if (exit.isPresent() && exit.getAsLong() > 128 && exit.getAsLong() < 128 + 65) {
            signal = Optional.of(Signals.name((int) exit.getAsLong() - 128));
            status = OptionalLong.empty();
        }
        log.ended(new Ended(accepted.service().name(), accepted.peer(), pid, status, signal, reason, error, Duration.ofNanos(System.nanoTime() - accepted.since())));
    }
}
