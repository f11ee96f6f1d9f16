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
import org.jinetd.daemon.os.Spawns;
import org.jinetd.daemon.os.Pids;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.launch.program.Exit;
import org.jinetd.daemon.launch.program.Program;
import org.jinetd.daemon.launch.program.Programs;
import org.jinetd.daemon.launch.program.ChildEnvironment;
import org.jinetd.daemon.launch.program.SpawnFailure;

/**
 * A program that owns the real socket, spawned natively: the accepted connection as its fd 0
 * and 1 (and 2 with {@code stderr: socket}), or, in wait mode, the listening socket. With
 * {@code listen_fds: true} the socket is fd 3 instead, as systemd passes it.
 */
public final class Inherit {
    private final Live live;
    private final ConnectionLog log;
    private final Programs programs;

    Inherit(Live live, ConnectionLog log, Programs programs) {
        this.live = live;
        this.log = log;
        this.programs = programs;
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
            if (!Spawns.closesFrom()) {
                return Optional.of("the C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34+)");
            }
            if (!Pids.hasPidfds()) {
                return Optional.of("the C library has no pidfd_open (glibc 2.36+)");
            }
        } catch (LinkageError | IllegalStateException e) {
            return Optional.of("the C library cannot be called: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Starts the program and returns at once: the reaper ends the connection when the
     * program is reaped (or its spawner says it ended). Called on the listener's thread (the
     * fast way, no thread of the connection's own) or on the connection's virtual thread.
     */
    void serve(Passage passage, Launch.Exec asked, Live.Entry entry) {
        var service = passage.service();
        var ending = passage.ending();
        // The socket stays open until the program has it; a stop meanwhile ends the program after.
        if (!entry.onAbortIfLive(() -> { })) {
            ending.end(entry.reason(), Optional.empty());
            return;
        }
        var exec = programs.route(asked);
        CompletableFuture<Program> started;
        try {
            // A banner sent from a virtual thread left the socket non-blocking: the program's first read would fail.
            Descriptors.setBlocking(Fds.of(passage.channel()));
            started = start(service, exec, passage.channel(),
                    ChildEnvironment.of(service, exec, passage.client(), passage.local()), true);
        } catch (Libc.Failure | IOException | RuntimeException e) {
            failed(passage, e);
            return;
        }
        if (programs.bySpawner(exec)) {
            // The spawner keeps the socket until the program has ended, and cuts it when asked to end
            // it: ours would keep the client waiting after the program's end until the spawner said so.
            ending.close();
        }
        started.whenComplete((program, failure) -> {
            if (failure != null) {
                failed(passage, SpawnFailure.unwrapped(failure));
            } else {
                running(passage, entry, program);
            }
        });
    }

    private void failed(Passage passage, Throwable e) {
        var ending = passage.ending();
        int errno = e instanceof Libc.Failure f ? f.errno : e instanceof SpawnFailure f ? f.errno : 0;
        if (Shortage.isShortage(errno)) {
            // Short of processes or memory (or its spawner is behind): the listener backs off and says so once, not per client.
            ending.endCounted();
            passage.spawns().failed("spawn: " + e.getMessage());
            log.tally().error(passage.service().name(), "spawn failed: " + e.getMessage());
            return;
        }
        ending.end(Optional.empty(), Optional.of("spawn failed: " + e.getMessage()));
    }

    private void running(Passage passage, Live.Entry entry, Program program) {
        var service = passage.service();
        var ending = passage.ending();
        passage.spawns().succeeded();
        // Our copy stays open until the program has ended, so that ending the connection can cut
        // it even where a grandchild still holds it; closed the moment its end is seen (before its
        // stderr is read to the end and it is reaped), its places given back first, so that the
        // client sees the end at once and may connect again at once.
        entry.pid(program.pid());
        program.atEnd(() -> {
            if (entry.reason().isPresent()) {
                // Ended from outside: a grandchild may hold the socket still (see below).
                cut(passage.channel());
            }
            ending.programEnded();
        });
        // The signal first, then the cut: a program that reads its socket would take the EOF
        // for the end of its work and exit before a signal that has to go through its spawner.
        entry.onAbort(() -> program.end().begin(service.timeouts().killGrace())
                .whenComplete((sent, e) -> cut(passage.channel())));
        var watchdog = Watchdog.start(service.timeouts(), passage.since(), false, entry);
        program.exit().whenComplete((exit, failure) -> {
            watchdog.close();
            if (entry.reason().isPresent()) {
                // Ended from outside: a program that dies at once on SIGTERM may be reaped, and
                // our copy closed below, before the abort's own cut runs, and a grandchild that
                // still holds the socket would keep the client until kill_grace. Cut it first.
                cut(passage.channel());
            }
            ending.end(OptionalLong.of(program.pid()), exit, entry.reason(),
                    failure == null ? Optional.empty() : Optional.of(SpawnFailure.unwrapped(failure).toString()));
        });
    }


    /** Ends the client's connection now, whoever else holds the socket. */
    private static void cut(java.nio.channels.SocketChannel socket) {
        try {
            socket.shutdownInput();
            socket.shutdownOutput();
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
        var ending = Ending.waiting(service, since, log);
        Program program;
        try {
            program = start(service, programs.route(exec), listening,
                    ChildEnvironment.of(service, exec, (java.net.SocketAddress) null, null), false).join();
        } catch (Libc.Failure | IOException | RuntimeException e) {
            ending.end(Optional.empty(), Optional.of("spawn failed: " + SpawnFailure.unwrapped(e).getMessage()));
            return false;
        }
        var entry = live.add(service.name(), () -> null, since, () -> program.end().begin(service.timeouts().killGrace()));
        ending.live(entry);
        entry.pid(program.pid());
        try (var watchdog = Watchdog.start(service.timeouts(), since, false, entry)) {
            Exit exit = null;
            Optional<String> error = Optional.empty();
            try {
                exit = program.await();
            } catch (RuntimeException e) {
                error = Optional.of(SpawnFailure.unwrapped(e).toString());
            }
            ending.end(OptionalLong.of(program.pid()), exit, entry.reason(), error);
            return true;
        }
    }

    /**
     * Starts the program with {@code socket}; on failure, no descriptor made for it is left open.
     *
     * @param connection whether {@code socket} is the client's (not a listening socket)
     */
    CompletableFuture<Program> start(Service service, Launch.Exec exec, Channel socket, Map<String, String> environment,
                                      boolean connection) throws Libc.Failure, IOException {
        int fd = Fds.of(socket);
        int stderr = switch (exec.stderr()) {
            case SOCKET -> fd;
            case NULL -> -1;
            case LOG -> Programs.STDERR_PIPE;
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
        return programs.start(service.name(), exec, env, fds, connection ? fd : -1);
    }
}
