package org.jinetd.daemon.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.launch.program.Exit;
import org.jinetd.daemon.launch.program.Programs;
import org.jinetd.daemon.launch.program.Setup;
import org.jinetd.daemon.launch.program.ChildEnvironment;
import org.jinetd.daemon.launch.program.Piped;
import org.jinetd.daemon.launch.program.SpawnFailure;

/**
 * A program on pipes: the daemon copies the connection to its stdin and its stdout to the
 * connection, passing each end-of-stream on as the other side's half-close.
 */
final class Bridge {
    private static final int BUFFER = 16 * 1024;

    private final ConnectionLog log;
    private final Setup setup;
    private final Programs programs;

    /** @param programs what starts programs natively, or null where they cannot be */
    Bridge(ConnectionLog log, Setup setup, Programs programs) {
        this.log = log;
        this.setup = setup;
        this.programs = programs;
    }

    /** Runs on the connection's own virtual thread until the program has exited. */
    void serve(Passage passage, Launch.Exec exec, Live.Entry entry) {
        var service = passage.service();
        var ending = passage.ending();
        Piped process;
        try {
            process = Piped.start(exec, ChildEnvironment.of(service, exec, passage.client(), passage.local(),
                    passage.tls()), setup, programs, log, service.name());
        } catch (IOException | Libc.Failure | RuntimeException e) {
            ending.end(Optional.empty(), Optional.of("spawn failed: " + e.getMessage()));
            return;
        }
        // The socket, or, with tls:, the plaintext inside it.
        var channel = passage.plain();
        var timeouts = service.timeouts();
        // The signal first: the client's EOF would reach the program as the end of its work.
        // Then its output closed too: a process it left behind (one that made a session of its
        // own, out of the signal's reach) may hold the pipe open for as long as it likes.
        entry.onAbort(() -> process.end(timeouts.killGrace()).whenComplete((sent, e) -> {
            ending.close();
            try {
                process.stdout().close();
            } catch (IOException closing) {
                // Closed already, with the program's end.
            }
        }));
        entry.pid(process.pid());
        try (var watchdog = Watchdog.start(timeouts, passage.since(), true, entry)) {
            var inbound = Thread.ofVirtual().start(() -> inbound(channel, process.stdin(), watchdog));
            outbound(process.stdout(), passage, watchdog);
            Exit exit = null;
            Optional<String> error = Optional.empty();
            try {
                exit = waitFor(process, timeouts.killGrace());
            } catch (SpawnFailure e) {
                error = Optional.of(e.getMessage());
            }
            // The program is gone: whatever the client still sends has nowhere to go.
            ending.close();
            join(inbound);
            ending.end(OptionalLong.of(process.pid()), exit, entry.reason(), error);
        }
    }

    /** Client to program; the client's EOF closes the program's stdin. */
    private static void inbound(java.nio.channels.ByteChannel channel, OutputStream stdin, Watchdog watchdog) {
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
    private static void outbound(InputStream stdout, Passage passage, Watchdog watchdog) {
        var channel = passage.plain();
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
            passage.shutdownOutput();
        } catch (IOException e) {
            // The client is gone; closing stdout tells the program (EPIPE) on its next write.
        }
    }

    private static Exit waitFor(Piped process, java.time.Duration grace) {
        while (true) {
            try {
                return process.await();
            } catch (InterruptedException e) {
                // A connection thread is interrupted only by a stop, whose abort ends the program too.
                process.end(grace);
            }
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
