package org.jinetd.daemon.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;


import java.util.Optional;
import java.util.OptionalLong;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.Ended;

/**
 * A program that owns the real socket: the accepted connection is its fd 0 and 1 (and 2
 * with {@code stderr: socket}), spawned natively. The daemon closes its own copy at once.
 */
final class Inherit {
    static final int SIGTERM = 15;
    static final int SIGKILL = 9;

    private final Live live;
    private final ConnectionLog log;
    private final Children children;

    Inherit(Live live, ConnectionLog log, Children children) {
        this.live = live;
        this.log = log;
        this.children = children;
    }

    /** Why programs cannot get the real socket here, or empty when they can. */
    static Optional<String> unavailable() {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return Optional.of("native spawn needs Linux");
        }
        var fds = Fds.unavailable();
        if (fds.isPresent()) {
            return fds;
        }
        try {
            if (!Libc.closesFrom()) {
                return Optional.of("the C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34+)");
            }
        } catch (LinkageError | IllegalStateException e) {
            return Optional.of("the C library cannot be called: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Runs on the connection's virtual thread until the program has exited. */
    void serve(Accepted accepted, Launch.Exec exec) {
        var service = accepted.service();
        var socket = Fds.of(accepted.channel());
        Pipe stderrPipe = null;
        int pid;
        try {
            int stderrFd = switch (exec.stderr()) {
                case SOCKET -> socket;
                case NULL -> -1;
                case LOG -> {
                    stderrPipe = Pipe.open();
                    yield Fds.of(stderrPipe.sink());
                }
            };
            pid = NativeSpawn.spawn(Bridge.command(exec),
                    ChildEnvironment.of(service, exec, accepted.peer(), accepted.local()), "/",
                    new int[] {socket, socket, stderrFd});
        } catch (Libc.Failure | IOException | RuntimeException e) {
            closeQuietly(stderrPipe);
            finish(accepted, OptionalLong.empty(), null, Optional.empty(), Optional.of("spawn failed: " + e.getMessage()));
            return;
        }
        // Close our copy now: while we hold it, the peer never sees EOF after the child exits.
        StreamLauncher.close(accepted);
        java.util.concurrent.CompletableFuture<Children.Exit> exit;
        try {
            exit = children.watch(pid);
        } catch (Libc.Failure e) {
            closeQuietly(stderrPipe);
            finish(accepted, OptionalLong.of(pid), null, Optional.empty(), Optional.of("cannot watch: " + e.getMessage()));
            return;
        }
        Thread reader = null;
        if (stderrPipe != null) {
            closeQuietly(stderrPipe.sink());
            var source = stderrPipe.source();
            reader = Thread.ofVirtual().start(() -> stderr(service.name(), pid, source));
        }
        var entry = live.add(() -> children.signal(pid, SIGTERM));
        try (entry) {
            var ended = exit.join();
            if (reader != null) {
                try {
                    reader.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            finish(accepted, OptionalLong.of(pid), ended, entry.aborted() ? Optional.of("stop") : Optional.empty(),
                    Optional.empty());
        }
    }

    private void stderr(String service, long pid, Pipe.SourceChannel source) {
        try (var lines = new BufferedReader(new InputStreamReader(Channels.newInputStream(source), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.stderr(service, pid, line);
            }
        } catch (IOException e) {
            // The program closed its stderr or died: nothing more to log.
        }
    }

    private void finish(Accepted accepted, OptionalLong pid, Children.Exit exit, Optional<String> reason,
                        Optional<String> error) {
        StreamLauncher.close(accepted);
        accepted.ticket().release();
        var status = exit == null || exit.status().isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(exit.status().getAsInt());
        Optional<String> signal = exit == null || exit.signal().isEmpty() ? Optional.empty()
                : Optional.of(Signals.name(exit.signal().getAsInt()));
        log.ended(new Ended(accepted.service().name(), accepted.shownPeer(), pid, status, signal, reason, error,
                Duration.ofNanos(System.nanoTime() - accepted.since())));
    }

    private static void closeQuietly(Object closeable) {
        try {
            switch (closeable) {
                case Pipe p -> {
                    p.sink().close();
                    p.source().close();
                }
                case java.nio.channels.Channel c -> c.close();
                case null, default -> { }
            }
        } catch (IOException e) {
            // Closing a pipe end that already failed: nothing more to do.
        }
    }

}
