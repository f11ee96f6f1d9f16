package org.jinetd.daemon.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.HandlerScope;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.policy.ReplyBudget;
import org.jinetd.handler.Datagram;
import org.jinetd.daemon.launch.program.Exit;
import org.jinetd.daemon.launch.program.ChildEnvironment;
import org.jinetd.daemon.launch.program.Piped;
import org.jinetd.daemon.launch.program.SpawnFailure;

/**
 * Serves a datagram: an in-JVM handler, or a program that reads the datagram on stdin and
 * whose every write to stdout goes back as a datagram (inetd's {@code dgram nowait}).
 */
public final class DatagramLauncher {

    private final Live live;
    private final ConnectionLog log;
    private final Spawner spawner;
    private final ReplyBudget replies;

    public DatagramLauncher(Live live, ConnectionLog log, Spawner spawner, ReplyBudget replies) {
        this.live = live;
        this.log = log;
        this.spawner = spawner;
        this.replies = replies;
    }

    /** Serves a datagram on a virtual thread of its own; its end is set up here, on the listener's thread. */
    public void launch(Received received) {
        var ending = Ending.of(received, received.admission(), log);
        try {
            Thread.ofVirtual().name(received.service().name() + "-dgram").start(() -> serve(received, ending));
        } catch (OutOfMemoryError | RuntimeException e) {
            ending.endCounted();
        }
    }

    private void serve(Received received, Ending ending) {
        ending.live(live.add(received.service().name(), received::peer, received.since(), () -> { }));
        try {
            switch (received.service().launch()) {
                case Launch.Datagrams handler -> handle(received, handler);
                case Launch.Exec exec -> spawn(received, exec, ending);
                case Launch.Stream _, Launch.Redirect _ ->
                        throw new IllegalStateException("a stream launch on a datagram service");
            }
        } finally {
            // A datagram served by a handler is counted, not logged; a program's gets its line in spawn.
            ending.endCounted();
        }
    }

    private void handle(Received received, Launch.Datagrams handler) {
        Optional<String> error = Optional.empty();
        handler.plugin().ifPresent(jar -> Thread.currentThread().setContextClassLoader(jar.loader()));
        try {
            var datagram = new ReceivedDatagram(received, replies);
            new HandlerScope(log, received.service().name(), received.peer()).call(() -> {
                handler.handler().handle(datagram);
                return null;
            });
        } catch (IOException | RuntimeException | Error e) {
            // A plugin's exception may throw from its own toString: what it says, or that it could not.
            error = Optional.of(LogText.describe(e));
        }
        log.datagram(received.service().name(), received.shownPeer(), handler.name(), error);
    }

    private void spawn(Received received, Launch.Exec exec, Ending ending) {
        // Its stdout is the way back to the client: stderr: socket has no socket to go to.
        var run = exec.stderr() != Launch.Stderr.SOCKET ? exec : exec.withStderr(Launch.Stderr.NULL);
        Piped process;
        try {
            process = spawner.startPiped(run, ChildEnvironment.of(received.service(), exec, received.peer(),
                    received.local()), log, received.service().name());
        } catch (IOException | Libc.Failure | RuntimeException e) {
            ending.end(Optional.empty(), Optional.of("spawn failed: " + e.getMessage()));
            return;
        }
        try (var stdin = process.stdin()) {
            var payload = received.payload().duplicate();
            var bytes = new byte[payload.remaining()];
            payload.get(bytes);
            stdin.write(bytes);
        } catch (IOException e) {
            // The program did not read its datagram; its answer may still come.
        }
        var entry = ending.entry();
        var timeouts = received.service().timeouts();
        // A timeout, a stop or its service gone ends the program as it would a connection's,
        // and its replies with it, as a connection is shut down at once: a process it left in a
        // group of its own may hold its stdout for as long as it lives.
        entry.onAbort(() -> {
            process.end(timeouts.killGrace());
            try {
                process.stdout().close();
            } catch (IOException e) {
                // Closed already.
            }
        });
        Optional<String> error = Optional.empty();
        Exit exit = null;
        try (var watchdog = Watchdog.start(timeouts, received.since(), true, entry)) {
            try {
                replies(received, process.stdout(), watchdog);
            } catch (IOException e) {
                // The program closed its stdout, or a reply could not be sent: its exit still comes.
            }
            while (exit == null && error.isEmpty()) {
                try {
                    exit = process.await();
                } catch (InterruptedException e) {
                    // Only a stop interrupts this thread, and its abort ends the program.
                    process.end(timeouts.killGrace());
                } catch (SpawnFailure e) {
                    error = Optional.of(e.getMessage());
                }
            }
        }
        ending.end(OptionalLong.of(process.pid()), exit, entry.reason(), error);
    }

    private static void replies(Received received, InputStream stdout, Watchdog watchdog) throws IOException {
        var bytes = new byte[65_507];
        try (stdout) {
            int n;
            while ((n = stdout.read(bytes)) >= 0) {
                watchdog.touch();
                if (n > 0) {
                    received.channel().send(ByteBuffer.wrap(bytes, 0, n), received.peer());
                }
            }
        }
    }

    /** What a datagram handler sees: its replies within the daemon's {@code datagram_reply_rate}. */
    private record ReceivedDatagram(Received received, ReplyBudget replies) implements Datagram {
        @Override
        public ByteBuffer payload() {
            return received.payload().duplicate();
        }

        @Override
        public java.net.SocketAddress peer() {
            return received.peer();
        }

        @Override
        public java.net.SocketAddress local() {
            return received.local();
        }

        @Override
        public String service() {
            return received.service().name();
        }

        @Override
        public void reply(ByteBuffer answer) throws IOException {
            if (replies.take(received.service().name(), received.service().label(), answer.remaining())) {
                received.channel().send(answer, received.peer());
            }
        }
    }
}
