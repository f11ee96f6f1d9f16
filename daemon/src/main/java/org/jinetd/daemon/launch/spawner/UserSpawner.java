package org.jinetd.daemon.launch.spawner;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Pids;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.Processes;
import org.jinetd.daemon.os.Spawns;
import org.jinetd.daemon.os.UnixMessages;
import org.jinetd.daemon.launch.program.NativeSpawn;

/**
 * The spawner of one user: a small JVM that a root daemon starts, through setpriv, as the
 * user (with the user's groups, in a session of its own), and that spawns that user's
 * programs for it, so that a connection costs one exec as it does for root. It reads the
 * daemon's requests ({@link SpawnWire}) on a socket of its own, made once it is
 * non-dumpable, whose other end it hands the daemon with its hello on descriptor 3 (a socket
 * the daemon made, closed then), with the connection's descriptors passed alongside; it
 * spawns each program with posix_spawn as the daemon would (nothing of its own descriptors, a clean signal mask and dispositions, the
 * environment, working directory, umask and soft limit of open files asked for), in a
 * process group of its own within this session, answers with its pid or the error, and says
 * when it has ended. It ends a program when asked: SIGTERM to its group and to every other
 * group of this session where a process descended from it is (a helper it moved into a group
 * of its own), SIGKILL after the grace to what is left of them, holding the program unreaped
 * meanwhile so that its group stays its own. When the daemon closes the socket (it has no more work for it, or the daemon is gone),
 * it kills what is left of its programs and exits. Its only way out to the daemon is that
 * socket; it holds nothing of the daemon's.
 *
 * <p>It makes itself non-dumpable before it reads anything: no other process of its user may
 * trace it or take its descriptors (the clients' sockets, its socket to the daemon). Until
 * then, while its JVM starts, it is dumpable as any process of its user, and another one may
 * take a copy of descriptor 3 (pidfd_getfd, where Yama lets it): that copy gets nothing, as
 * the daemon sends no request on it and takes no answer from it, but only from the socket
 * this process makes after, which the daemon checks it made (SO_PEERCRED). A process that
 * traced it in that moment and let go before the hello is not seen (docs/security.md).
 * Its programs are dumpable again once they exec.
 *
 * <p>Only the daemon starts it. It is one thread: a request is answered before the next is read.
 */
public final class UserSpawner {
    /** The daemon's socket. */
    static final int SOCKET = 3;
    private static final int EBADF = 9;
    private static final int EINVAL = 22;
    private static final int EPIPE = 32;
    private static final int ECONNRESET = 104;

    private final SpawnedPrograms programs = new SpawnedPrograms();
    /** Replies not yet sent. */
    private final List<SpawnWire.Reply> said = new ArrayList<>();
    private final int socket;
    private MemorySegment pollFds = Arena.ofAuto().allocate(8L * 64, 8);
    /** The programs of the poll set, in its order after the socket. */
    private final List<SpawnedPrograms.Running> polled = new ArrayList<>();
    /** Where requests are read: one message longer than this is cut, and refused. */
    private final MemorySegment requests = UnixMessages.buffer(SpawnWire.MOST_REQUEST);

    private UserSpawner(int socket) {
        this.socket = socket;
    }

    public static void main(String[] args) throws Exception {
        // The build's training runs, which make lib/spawner.aot.
        if (args.length == 2 && args[0].equals("--aot-cache")) {
            System.exit(SpawnerTraining.makeCache(Path.of(args[1])));
        }
        if (args.length == 1 && args[0].equals("--train")) {
            System.exit(SpawnerTraining.train());
        }
        try {
            // First of all: another process of this user must not trace it or take its descriptors.
            Processes.nonDumpable();
        } catch (Libc.Failure | RuntimeException e) {
            System.err.println("jinetd spawner: cannot make itself non-dumpable (" + e.getMessage()
                    + "); not serving, so that no other process of its user can take its sockets");
            System.exit(71);
        }
        try {
            // Read from /proc, not asked of the socket: each C call linked is start-up time.
            if (!Files.readSymbolicLink(Path.of("/proc/self/fd/" + SOCKET)).toString().startsWith("socket:")) {
                throw new IllegalStateException("not a socket");
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("jinetd spawner: descriptor 3 is not the daemon's socket (" + e.getMessage()
                    + "); only jinetd starts this");
            System.exit(64);
        }
        int status;
        try {
            new UserSpawner(handOver(SOCKET)).serve();
            status = 0;
        } catch (Libc.Failure | RuntimeException e) {
            System.err.println("jinetd spawner: " + e);
            status = 70;
        }
        // Whatever way out: no program of ours outlives the spawner.
        System.exit(status);
    }

    /** A spawner for the daemon at the other end of {@code boot}, in this JVM, for its training run. */
    static void serve(int boot) {
        try {
            new UserSpawner(handOver(boot)).serve();
        } catch (Libc.Failure | RuntimeException e) {
            System.err.println("jinetd spawner: " + e);
        }
    }

    /**
     * Makes the socket the daemon's requests come on, and hands its other end to the daemon
     * with the hello, on {@code boot}, which is closed then. Made now, once this process is
     * non-dumpable, no other process of its user can have taken a copy of it.
     */
    private static int handOver(int boot) throws Libc.Failure {
        int[] pair = UnixMessages.pair();
        try {
            UnixMessages.send(boot, SpawnWire.encode(List.of(new SpawnWire.Hello(SpawnWire.VERSION))),
                    new int[] {pair[1]}, true);
        } catch (Libc.Failure | RuntimeException e) {
            Libc.close(pair[0]);
            throw e;
        } finally {
            Libc.close(pair[1]);
            Libc.close(boot);
        }
        return pair[0];
    }

    /**
     * Links posix_spawn's calls and the pidfd calls that watch a program. Whichever thread
     * reaches a call first links it, and the other waits; one that cannot be linked fails
     * again at the first spawn, which reports it.
     */
    private static void linkSpawnCalls() {
        try {
            Spawns.link();
            Pids.linkPidfdCalls();
        } catch (RuntimeException | LinkageError e) {
            // Reported where it is needed.
        }
    }

    /** Serves until the daemon closes the socket; then ends what is left. */
    private void serve() throws Libc.Failure {
        try {
            // What the first program needs linked (55 ms of stubs) is linked while none is asked for.
            Thread.ofPlatform().name("link").daemon().start(UserSpawner::linkSpawnCalls);
            loop();
        } catch (Gone e) {
            // As for the end of its requests.
        } finally {
            programs.endAll();
        }
    }

    private void loop() throws Libc.Failure {
        while (true) {
            var fds = pollSet();
            try {
                Descriptors.poll(fds, polled.size() + 1, timeout());
            } catch (Libc.Failure e) {
                if (e.errno != Libc.EINTR) {
                    throw e;
                }
            }
            if (fds.get(JAVA_SHORT, 6) != 0 && !readRequests()) {
                return;
            }
            for (int i = 0; i < polled.size(); i++) {
                if (fds.get(JAVA_SHORT, 8L * (i + 1) + 6) != 0) {
                    say(programs.ended(polled.get(i)));
                }
            }
            programs.ending(System.nanoTime());
            flush();
        }
    }

    /** The socket and the pidfd of every program not yet seen to end, as poll(2) takes them. */
    private MemorySegment pollSet() {
        polled.clear();
        polled.addAll(programs.unseen());
        long size = 8L * (polled.size() + 1);
        if (pollFds.byteSize() < size) {
            pollFds = Arena.ofAuto().allocate(Math.max(size, 2 * pollFds.byteSize()), 8);
        }
        var fds = pollFds;
        set(fds, 0, socket);
        for (int i = 0; i < polled.size(); i++) {
            set(fds, i + 1, polled.get(i).pidfd);
        }
        return fds;
    }

    /** How long poll may wait: until the next step of a program being ended, or for ever. */
    private int timeout() {
        long next = programs.nextStep(System.nanoTime());
        return next == Long.MAX_VALUE ? -1 : (int) Math.max(0, Math.min(60_000, (next + 999_999) / 1_000_000));
    }

    private static void set(MemorySegment fds, int index, int fd) {
        fds.set(JAVA_INT, 8L * index, fd);
        fds.set(JAVA_SHORT, 8L * index + 4, Descriptors.POLLIN);
        fds.set(JAVA_SHORT, 8L * index + 6, (short) 0);
    }

    /** Reads and answers the requests there are; false when the daemon has closed the socket. */
    private boolean readRequests() throws Libc.Failure {
        while (true) {
            var message = UnixMessages.receive(socket, requests, UnixMessages.MOST_FDS, false);
            if (message == null) {
                return true;
            }
            if (message.data().length == 0) {
                SpawnedPrograms.close(message.fds());
                return false;
            }
            try {
                if (message.truncated()) {
                    throw new IllegalArgumentException("a request longer than " + SpawnWire.MOST_REQUEST + " bytes");
                }
                switch (SpawnWire.request(message.data())) {
                    case SpawnWire.Spawn spawn -> say(spawn(spawn, message.fds()));
                    case SpawnWire.End end -> say(new SpawnWire.Ended(end.seq(), programs.end(end.pid(), end.graceMillis())));
                }
            } finally {
                SpawnedPrograms.close(message.fds());
            }
        }
    }

    /** Spawns the program of {@code request} with {@code passed}, the descriptors that came with it. */
    private SpawnWire.Reply spawn(SpawnWire.Spawn request, int[] passed) {
        var fds = new int[request.fds().length];
        for (int i = 0; i < fds.length; i++) {
            int index = request.fds()[i];
            if (index >= passed.length) {
                return new SpawnWire.Failed(request.seq(), EBADF);
            }
            fds[i] = index < 0 ? -1 : passed[index];
        }
        int pid;
        // Set on this process for the length of the spawn, which the child takes with it: posix_spawn
        // sets neither. No other thread of this JVM creates files or opens descriptors meanwhile.
        int umask = request.umask() >= 0 ? Processes.umask(request.umask()) : -1;
        long[] limits = null;
        try {
            if (request.nofile() != SpawnWire.NOFILE_KEEP) {
                limits = Processes.openFiles();
                Processes.openFiles(request.nofile(), limits[1]);
            }
            pid = NativeSpawn.spawn(request.argv(), request.env(), request.cwd(), fds, false);
        } catch (Libc.Failure e) {
            return new SpawnWire.Failed(request.seq(), e.errno);
        } catch (RuntimeException e) {
            System.err.println("jinetd spawner: spawn " + request.argv().getFirst() + ": " + e);
            return new SpawnWire.Failed(request.seq(), EINVAL);
        } finally {
            if (umask >= 0) {
                Processes.umask(umask);
            }
            restore(limits);
        }
        int pidfd;
        try {
            pidfd = Pids.pidfdOpen(pid);
        } catch (Libc.Failure e) {
            // Not watched, it would run outside every limit: ended now, while its pid is still its own.
            SpawnedPrograms.killAndReap(pid);
            return new SpawnWire.Failed(request.seq(), e.errno);
        }
        int kept = -1;
        if (request.keep() >= 0 && request.keep() < passed.length) {
            try {
                kept = Descriptors.dupAbove(passed[request.keep()], SOCKET + 1);
            } catch (Libc.Failure e) {
                // Not kept: the client sees the program's end when the daemon hears of it.
            }
        }
        programs.add(pid, pidfd, kept);
        return new SpawnWire.Spawned(request.seq(), pid);
    }

    private static void restore(long[] limits) {
        if (limits == null) {
            return;
        }
        try {
            Processes.openFiles(limits[0], limits[1]);
        } catch (Libc.Failure e) {
            System.err.println("jinetd spawner: cannot restore its limit of open files: " + e.getMessage());
        }
    }

    /** What to tell the daemon at the end of this turn of the loop, in one message. */
    private void say(SpawnWire.Reply reply) throws Libc.Failure {
        said.add(reply);
        if (said.size() == SpawnWire.MOST_REPLIES) {
            flush();
        }
    }

    private void flush() throws Libc.Failure {
        if (said.isEmpty()) {
            return;
        }
        try {
            UnixMessages.send(socket, SpawnWire.encode(said), new int[0], true);
        } catch (Libc.Failure e) {
            if (e.errno == EPIPE || e.errno == ECONNRESET) {
                throw new Gone();
            }
            throw e;
        } finally {
            said.clear();
        }
    }

    /** The daemon has closed its end: nobody is left to tell, and the spawner's work is over. */
    private static final class Gone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Gone() {
            super(null, null, false, false);
        }
    }
}
