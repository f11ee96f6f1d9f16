package org.jinetd.daemon.launch.program;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Descriptors;

/**
 * Starts a program with the descriptors it gets: spawned by the daemon itself and reaped by
 * its {@link Children}, or, for a root daemon and a program of another user, spawned by the
 * spawner of that user ({@link OtherUsers}), which says when it has ended.
 */
public final class Programs {
    /** In a program's descriptors: its stderr goes to the log, through a pipe made here. */
    public static final int STDERR_PIPE = -2;

    private final Children children;
    private final OtherUsers spawners;
    private final Setup setup;
    private final ConnectionLog log;

    /** @param spawners the spawners of other users, or null where programs go through setpriv instead */
    public Programs(Children children, OtherUsers spawners, Setup setup, ConnectionLog log) {
        this.children = children;
        this.spawners = spawners;
        this.setup = setup;
        this.log = log;
    }

    /** Whether this program is started by the spawner of its user. */
    public boolean bySpawner(Launch.Exec exec) {
        return spawners != null && exec.start() == Launch.Start.SPAWNER;
    }

    /**
     * How {@code exec} is started now: as it is, or, where the spawner of its user is still
     * starting, through setpriv as a program past {@code max_spawners} is, so that no client
     * waits for a JVM to start. Asked once per program, before {@link #start}.
     */
    public Launch.Exec route(Launch.Exec exec) {
        return bySpawner(exec) && !spawners.takesNow(exec) ? exec.withoutSpawner() : exec;
    }

    /**
     * Starts {@code exec} (as {@link #route} gave it) with {@code fds} as its descriptors 0, 1, ... (-1: /dev/null;
     * {@link #STDERR_PIPE}: a pipe to the log). Spawned here, the program runs when this
     * returns; by a spawner, the answer comes later, and may be a {@link SpawnFailure}. On
     * failure, no descriptor made here is left open; the caller's are the caller's.
     *
     * @param connection the client's socket among {@code fds}, or -1: a spawner keeps it
     *                   until the program ends, and shuts it down when asked to end it
     */
    public CompletableFuture<Program> start(String service, Launch.Exec exec, Map<String, String> environment, int[] fds,
                                      int connection) throws Libc.Failure {
        int[] pipe = Arrays.stream(fds).anyMatch(fd -> fd == STDERR_PIPE) ? pipe() : null;
        var actual = fds.clone();
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] == STDERR_PIPE) {
                actual[i] = pipe[1];
            }
        }
        int read = pipe == null ? -1 : pipe[0];
        if (bySpawner(exec)) {
            try {
                return spawners.start(service, exec, environment, actual, read, connection);
            } catch (Libc.Failure | RuntimeException e) {
                closeQuietly(read);
                throw e;
            } finally {
                // Sent with the request (or not at all): the spawner's copy is the program's.
                closeQuietly(pipe == null ? -1 : pipe[1]);
            }
        }
        int pid;
        try {
            var command = Command.of(exec, environment, setup, false);
            pid = NativeSpawn.spawn(command.argv(), command.env(), command.cwd(), actual);
        } catch (Libc.Failure | RuntimeException e) {
            closeQuietly(read);
            closeQuietly(pipe == null ? -1 : pipe[1]);
            throw e;
        }
        // The child has its copy; ours would keep the pipe from ever reaching its end.
        closeQuietly(pipe == null ? -1 : pipe[1]);
        // Its stderr is the reaper's from here, whatever happens.
        var watch = children.watch(pid, read, read < 0 ? null : new StderrLines(log, service, pid));
        return CompletableFuture.completedFuture(new Program(pid, watch,
                grace -> Termination.begin(watch, children, grace)));
    }

    /** The stderr pipe: near the soft limit of open files, or past it where it can still be raised, the limit is raised. */
    private int[] pipe() throws Libc.Failure {
        int[] pipe;
        try {
            pipe = Descriptors.pipe();
        } catch (Libc.Failure e) {
            // Raised now, or by another thread a moment ago: once more.
            if (e.errno != Libc.EMFILE || !(setup.raise() || setup.raised())) {
                throw e;
            }
            pipe = Descriptors.pipe();
        }
        setup.opened(pipe[1]);
        return pipe;
    }

    /** Programs not yet ended, of either kind. */
    public int size() {
        return children.size();
    }

    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            Libc.close(fd);
        } catch (Libc.Failure e) {
            // Closing a descriptor that is already gone: nothing more to do.
        }
    }
}
