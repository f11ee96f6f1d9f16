package org.jinetd.daemon.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.HandlerScope;
import org.jinetd.handler.Datagram;

/**
 * Serves a datagram: an in-JVM handler, or a program that reads the datagram on stdin and
 * whose every write to stdout goes back as a datagram (inetd's {@code dgram nowait}).
 */
public final class DatagramLauncher {

    private final Live live;
    private final ConnectionLog log;
    private final Setup setup = Setup.ofThisDaemon();

    public DatagramLauncher(Live live, ConnectionLog log) {
        this.live = live;
        this.log = log;
    }

    /** Serves a datagram on a virtual thread of its own; its end is set up here, on the listener's thread. */
    public void launch(Received received) {
        var ending = Ending.of(received, log);
        try {
            Thread.ofVirtual().name(received.service().name() + "-dgram").start(() -> serve(received, ending));
        } catch (OutOfMemoryError | RuntimeException e) {
            ending.endCounted();
        }
    }

    private void serve(Received received, Ending ending) {
        ending.live(live.add(received.service().name(), received.peer(), received.since(), () -> { }));
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
            var datagram = new ReceivedDatagram(received);
            new HandlerScope(log, received.service().name(), received.peer()).call(() -> {
                handler.handler().handle(datagram);
                return null;
            });
        } catch (IOException | RuntimeException | Error e) {
            error = Optional.of(e.toString());
        }
        log.datagram(received.service().name(), received.shownPeer(), handler.name(), error);
    }

    private void spawn(Received received, Launch.Exec exec, Ending ending) {
        // The JDK cannot give a child a session of its own: setsid does, first of the wrappers.
        var command = Command.of(exec, ChildEnvironment.of(received.service(), exec, received.peer(), received.local()),
                setup, true);
        var builder = new ProcessBuilder(command.argv()).directory(new java.io.File(command.cwd()));
        builder.environment().clear();
        builder.environment().putAll(command.env());
        builder.redirectError(exec.stderr() == Launch.Stderr.LOG ? ProcessBuilder.Redirect.PIPE
                : ProcessBuilder.Redirect.DISCARD);
        Optional<String> error = Optional.empty();
        OptionalLong pid = OptionalLong.empty();
        OptionalLong exit = OptionalLong.empty();
        try {
            var process = builder.start();
            pid = OptionalLong.of(process.pid());
            var stderr = exec.stderr() == Launch.Stderr.LOG
                    ? StderrLines.follow(log, received.service().name(), process.pid(), process.getErrorStream()) : null;
            try (var stdin = process.getOutputStream()) {
                var payload = received.payload().duplicate();
                var bytes = new byte[payload.remaining()];
                payload.get(bytes);
                stdin.write(bytes);
            } catch (IOException e) {
                // The program did not read its datagram; its answer may still come.
            }
            replies(received, process.getInputStream());
            exit = OptionalLong.of(process.waitFor());
            if (stderr != null) {
                stderr.join();
            }
        } catch (IOException e) {
            error = Optional.of("spawn failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = Optional.of("interrupted");
        }
        ending.end(pid, exit, Optional.empty(), Optional.empty(), error);
    }

    private static void replies(Received received, InputStream stdout) throws IOException {
        var bytes = new byte[65_507];
        try (stdout) {
            int n;
            while ((n = stdout.read(bytes)) >= 0) {
                if (n > 0) {
                    received.channel().send(ByteBuffer.wrap(bytes, 0, n), received.peer());
                }
            }
        }
    }

    /** What a datagram handler sees. */
    private record ReceivedDatagram(Received received) implements Datagram {
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
            received.channel().send(answer, received.peer());
        }
    }
}
