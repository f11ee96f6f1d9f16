package org.jinetd.daemon.launch;

import java.io.IOException;
import java.nio.channels.Channel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Fds;
import org.jinetd.daemon.os.Libc;

/**
 * A program that owns the real socket, spawned natively: the accepted connection as its fd 0
 * and 1 (and 2 with {@code stderr: socket}), or, in wait mode, the listening socket. With
 * {@code listen_fds: true} the socket is fd 3 instead, as systemd passes it.
 */
final class Inherit {
    static final int SIGTERM = 15;
    static final int SIGKILL = 9;
    private final Live live;
    private final ConnectionLog log;
    private final Children children;
    private final Setup setup;

    Inherit(Live live, ConnectionLog log, Children children, Setup setup) {
        this.live = live;
        this.log = log;
        this.children = children;
        this.setup = setup;
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
            if (!Libc.hasPidfds()) {
                return Optional.of("the C library has no pidfd_open (glibc 2.36+)");
            }
        } catch (LinkageError | IllegalStateException e) {
            return Optional.of("the C library cannot be called: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** A spawned program, until it is reaped. */
    record Child(int pid, CompletableFuture<Children.Exit> exit) {
        Children.Exit await() {
            return exit.join();
        }
    }

    /**
     * Spawns the program and returns at once: the reaper ends the connection when the
     * program is reaped. Called on the listener's thread (the fast way, no thread of the
     * connection's own) or on the connection's virtual thread.
     */
    void serve(Accepted accepted, Launch.Exec exec, Ending ending) {
        var service = accepted.service();
        var entry = ending.entry();
        // The socket stays open until the program has it; a stop meanwhile ends the program after.
        if (!entry.onAbortIfLive(() -> { })) {
            ending.end(entry.reason(), Optional.empty());
            return;
        }
        Child child;
        try {
            // A banner sent from a virtual thread left the socket non-blocking: the program's first read would fail.
            Libc.setBlocking(Fds.of(accepted.channel()));
            child = start(service, exec, accepted.channel(),
                    ChildEnvironment.of(service, exec, accepted.peer(), accepted.local(), accepted.credentials()));
        } catch (Libc.Failure | IOException | RuntimeException e) {
            if (e instanceof Libc.Failure failure && Shortage.isShortage(failure.errno)) {
                // Short of processes or memory: the listener backs off and says so once, not per client.
                ending.endCounted();
                accepted.spawns().failed("spawn: " + e.getMessage());
                log.tally().error(service.name(), "spawn failed: " + e.getMessage());
                return;
            }
            ending.end(Optional.empty(), Optional.of("spawn failed: " + e.getMessage()));
            return;
        }
        accepted.spawns().succeeded();
        // Our copy stays open until the program is reaped (then closed, so the peer sees EOF),
        // so that ending the connection can cut it even where a grandchild still holds it.
        entry.pid(child.pid());
        entry.onAbort(() -> {
            cut(accepted);
            end(child.pid(), service.timeouts().killGrace());
        });
        var watchdog = Watchdog.start(service.timeouts(), accepted.since(), false, entry);
        child.exit().whenComplete((exit, failure) -> {
            watchdog.close();
            ending.end(OptionalLong.of(child.pid()), exit, entry.reason(),
                    failure == null ? Optional.empty() : Optional.of(failure.toString()));
        });
    }

    /**
     * SIGTERM to the program's whole session now, SIGKILL after the grace to whatever of it
     * is still there: a pipeline or a helper the program forked does not outlive its limits.
     */
    private void end(int pid, Duration grace) {
        if (children.signalSession(pid, SIGTERM)) {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(grace);
                } catch (InterruptedException e) {
                    return;
                }
                children.signalSession(pid, SIGKILL);
            });
        }
    }

    /** Ends the client's connection now, whoever else holds the socket. */
    private static void cut(Accepted accepted) {
        try {
            accepted.channel().shutdownInput();
            accepted.channel().shutdownOutput();
        } catch (IOException | RuntimeException e) {
            // Closed already, or the client is gone: nothing left to cut.
        }
    }

    /**
     * Wait mode: hands the listening socket to the program and returns when it has exited;
     * until then nothing else takes the socket's clients. False if it could not start.
     */
    boolean serveWaiting(Service service, Launch.Exec exec, Channel listening) {
        long since = System.nanoTime();
        var ending = Ending.waiting(service.name(), since, log);
        Child child;
        try {
            child = start(service, exec, listening, ChildEnvironment.of(service, exec, null, null));
        } catch (Libc.Failure | IOException | RuntimeException e) {
            ending.end(Optional.empty(), Optional.of("spawn failed: " + e.getMessage()));
            return false;
        }
        var entry = live.add(service.name(), null, since, () -> end(child.pid(), service.timeouts().killGrace()));
        ending.live(entry);
        entry.pid(child.pid());
        try (var watchdog = Watchdog.start(service.timeouts(), since, false, entry)) {
            var exit = child.await();
            ending.end(OptionalLong.of(child.pid()), exit, entry.reason(), Optional.empty());
            return true;
        }
    }

    /** Spawns the program with {@code socket}; on failure, no descriptor of its is left open. */
    Child start(Service service, Launch.Exec exec, Channel socket, Map<String, String> environment)
            throws Libc.Failure, IOException {
        int fd = Fds.of(socket);
        int[] stderrPipe = exec.stderr() == Launch.Stderr.LOG ? Libc.pipe() : null;
        int pid;
        try {
            int stderr = switch (exec.stderr()) {
                case SOCKET -> fd;
                case NULL -> -1;
                case LOG -> stderrPipe[1];
            };
            var env = new LinkedHashMap<>(environment);
            int[] fds;
            if (exec.listenFds()) {
                env.put("LISTEN_FDS", "1");
                env.put("LISTEN_FDNAMES", service.name());
                // As systemd runs a socket-activated service: stdin /dev/null, stdout with stderr.
                fds = new int[] {-1, stderr, stderr, fd};
            } else {
                fds = new int[] {fd, fd, stderr};
            }
            var command = Command.of(exec, env, setup, false);
            pid = NativeSpawn.spawn(command.argv(), command.env(), command.cwd(), fds);
        } catch (Libc.Failure | RuntimeException e) {
            if (stderrPipe != null) {
                closeQuietly(stderrPipe[0]);
                closeQuietly(stderrPipe[1]);
            }
            throw e;
        }
        if (stderrPipe != null) {
            // The child has its copy; ours would keep the pipe from ever reaching its end.
            closeQuietly(stderrPipe[1]);
        }
        try {
            var name = service.name();
            return new Child(pid, children.watch(pid, stderrPipe == null ? -1 : stderrPipe[0],
                    stderrPipe == null ? null : new StderrLines(log, name, pid)));
        } catch (Libc.Failure e) {
            if (stderrPipe != null) {
                closeQuietly(stderrPipe[0]);
            }
            throw e;
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (Libc.Failure e) {
            // Closing a descriptor that is already gone: nothing more to do.
        }
    }


}
