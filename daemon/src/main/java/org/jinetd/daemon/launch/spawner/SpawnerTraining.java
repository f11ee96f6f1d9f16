package org.jinetd.daemon.launch.spawner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.UnixMessages;
import org.jinetd.daemon.launch.program.ChildEnvironment;

/**
 * The AOT cache of the spawner ({@code lib/spawner.aot}, made when the distribution is built):
 * a training run of a spawner as the daemon starts one, driven in the same JVM, so that a
 * spawner later starts with its classes, and most of what linking its C calls makes,
 * already loaded. A spawner starts when the first program of its user comes after an idle
 * spell, and that program waits for it.
 */
final class SpawnerTraining {
    private static final int PROGRAMS = 200;
    private static final int SIGKILL = 9;

    private SpawnerTraining() {}

    /** Runs a spawner JVM, with the flags the daemon gives one, that trains and writes {@code cache} as it exits. */
    static int makeCache(Path cache) throws IOException, InterruptedException {
        var command = new ArrayList<>(UserSpawners.Settings.ofThisJvm().command());
        int classPath = command.indexOf("-cp");
        command.add(classPath, "-XX:AOTCacheOutput=" + cache);
        command.add(classPath, "-Xlog:aot=error,cds=error");
        command.add("--train");
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    /**
     * A spawner on one thread, and on this one what the daemon asks of it: programs with
     * descriptors passed, a umask and a limit of open files, and one ended with a signal.
     */
    static int train() throws Libc.Failure, InterruptedException {
        int[] pair = UnixMessages.pair();
        var spawner = Thread.ofPlatform().start(() -> UserSpawner.serve(pair[1]));
        int[] out = Descriptors.pipe();
        int socket = -1;
        try {
            // Its hello hands over the socket it takes requests on.
            var hello = UnixMessages.receive(pair[0], UnixMessages.buffer(SpawnWire.MOST_REPLY + 1), 1, true);
            if (hello.fds().length != 1 || !(SpawnWire.replies(hello.data()).getFirst() instanceof SpawnWire.Hello)) {
                throw new IllegalStateException("the spawner said no hello with its socket");
            }
            socket = hello.fds()[0];
            for (int seq = 0; seq < PROGRAMS; seq++) {
                var argv = seq == 0 ? List.of("/bin/sleep", "60") : List.of("/bin/true");
                var request = new SpawnWire.Spawn(seq, argv, List.of("PATH=" + ChildEnvironment.PATH), "/",
                        seq % 2 == 0 ? 022 : -1, seq % 3 == 0 ? 1024 : SpawnWire.NOFILE_KEEP, new int[] {-1, 0, 0},
                        seq % 2 == 0 ? 0 : -1);
                UnixMessages.send(socket, SpawnWire.encode(request), new int[] {out[1]}, true);
                var started = (SpawnWire.Spawned) expect(socket, SpawnWire.Spawned.class);
                if (seq == 0) {
                    UnixMessages.send(socket, SpawnWire.encode(new SpawnWire.End(-1, started.pid(), SIGKILL)),
                            new int[0], true);
                }
            }
        } finally {
            Libc.close(out[0]);
            Libc.close(out[1]);
            // The end of its requests: it ends what is left and returns.
            if (socket >= 0) {
                Libc.close(socket);
            }
            Libc.close(pair[0]);
            spawner.join();
        }
        return 0;
    }

    /** The next reply of kind {@code kind}, past the ends of programs said meanwhile. */
    private static SpawnWire.Reply expect(int socket, Class<? extends SpawnWire.Reply> kind) throws Libc.Failure {
        while (true) {
            var message = UnixMessages.receive(socket, UnixMessages.buffer(SpawnWire.MOST_REPLY + 1), 0, true);
            if (message.data().length == 0) {
                throw new IllegalStateException("the spawner ended");
            }
            for (var reply : SpawnWire.replies(message.data())) {
                if (kind.isInstance(reply)) {
                    return reply;
                }
            }
        }
    }
}
