package org.jinetd.daemon.launch.spawner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Sessions;
import org.jinetd.daemon.os.UnixMessages;
import org.jinetd.daemon.launch.program.Children;
import org.jinetd.daemon.launch.program.Watch;
import org.jinetd.daemon.launch.program.Exit;
import org.jinetd.daemon.launch.program.Program;
import org.jinetd.daemon.launch.program.Programs;
import org.jinetd.daemon.launch.program.SpawnFailure;
import org.jinetd.daemon.launch.program.Signals;

/**
 * The daemon's end of the spawner of one user ({@link UserSpawner}): the daemon's own child,
 * started through setpriv, whose socket the reaper thread reads. The daemon trusts nothing it
 * says: every message is checked against what was asked, in order, and a spawner that answers
 * late ({@link UserSpawners.Settings#reply}), says what it was not asked, sends what does not
 * parse, or closes its socket is ended at once, with every program it started. Ending it is
 * the daemon's work, not the spawner's: SIGKILL to the spawner, then to every process of the
 * spawner's session, which the programs never leave unless they make a session of their own,
 * found in /proc; never to a pid the spawner gave. The spawner is held unreaped until then
 * ({@link Watch#hold}), so its session cannot pass to another meanwhile. Until a program's end
 * is said, or the spawner is ended, its connection holds
 * its place in the limits.
 *
 * <p>The socket the daemon gives the spawner at its start carries its hello alone: while its
 * JVM starts, the spawner is dumpable, and another process of its user may have taken a copy
 * of it. With the hello comes the end of a socket the spawner made once it was not
 * (SO_PEERCRED names it and its user), with the spawner non-dumpable and untraced by then,
 * on which every request goes and every answer is read; the first socket is closed then.
 */
public final class SpawnerLink {
    private static final int SIGKILL = 9;
    private static final int ECONNRESET = 104;
    private static final int EPIPE = 32;
    /** After SIGKILL to it and its session, how long the reaper has to see it end. */
    private static final Duration EXIT_AFTER_KILL = Duration.ofSeconds(5);
    /** After it closed its socket, how long its exit has to come before it is ended. */
    private static final Duration EXIT_AFTER_CLOSE = Duration.ofSeconds(2);

    private enum State { STARTING, READY, CLOSING, DEAD }

    private final UserSpawners.Account account;
    private final UserSpawners.Settings settings;
    private final Children children;
    private final ConnectionLog log;
    private final Consumer<SpawnerLink> forget;
    private final int pid;
    /** Until its hello, the socket it was started with; from then on, the one it handed over. Guarded by this. */
    private int socket;
    /** Whether it has handed over its own socket. Guarded by this. */
    private boolean handedOver;
    /** Where its hello is read: one byte past the longest message, so that a longer one shows as cut. */
    private final java.lang.foreign.MemorySegment helloBuffer = UnixMessages.buffer(SpawnWire.MOST_REPLY + 1);
    private final long started = System.nanoTime();
    /** The spawner as the reaper sees it: held unreaped until it has been ended, and its session with it. */
    private final Watch watch;
    /** Done when it has been ended and every program of it told. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** Whether it was given back to the reaper: once. */
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    // Guarded by this.
    private State state = State.STARTING;
    private final Ledger ledger = new Ledger(started);
    private long readyAt;
    private long closedAt = -1;
    private boolean dropped;
    /** A new table is served: it takes no more programs, and closes after its last. */
    private boolean retired;
    /** It was ended before it said it was ready: it failed to start. */
    private boolean failedStarting;
    /**
     * Requests asked before its hello, each with copies of its descriptors: sent on the socket
     * it hands over, in order, never on the one it started with. Guarded by this.
     */
    private final List<Held> held = new ArrayList<>();

    private record Held(byte[] message, int[] fds) {}
    /** Its answers, read on its socket of the moment. Guarded by this. */
    private SpawnerAnswers answers;

    private SpawnerLink(UserSpawners.Account account, UserSpawners.Settings settings, Children children,
                        ConnectionLog log, Consumer<SpawnerLink> forget, int pid, int socket, Watch watch) {
        this.watch = watch;
        this.account = account;
        this.settings = settings;
        this.children = children;
        this.log = log;
        this.forget = forget;
        this.pid = pid;
        this.socket = socket;
        this.answers = new SpawnerAnswers(this, socket, ledger, children, log);
    }

    /**
     * Takes the spawner {@code pid} just started, whose end of the socket pair is {@code socket};
     * nothing of it is followed until {@link #begin}.
     *
     * @param watch the spawner, as the reaper watches it (and reads its stderr), held from its
     *              start ({@link Children#watchSpawner}); given back once it is ended
     */
    static SpawnerLink of(UserSpawners.Account account, UserSpawners.Settings settings, Children children,
                          ConnectionLog log, Consumer<SpawnerLink> forget, int pid, int socket, Watch watch) {
        return new SpawnerLink(account, settings, children, log, forget, pid, socket, watch);
    }

    /**
     * The reaper reads its socket from now on, its exit ends it, and its clock is watched: from
     * here it may be ended, and forgotten, at any moment. Called once it is known where it is
     * forgotten from: a spawner that exits as it starts would otherwise be forgotten before it
     * was recorded, and stay recorded, dead.
     */
    void begin() {
        children.listen(socket, this::read);
        watch.exit.whenComplete((how, failure) -> exited(how));
        Thread.ofVirtual().name("spawner-" + account.user()).start(this::watch);
    }

    UserSpawners.Account account() {
        return account;
    }

    /** Completes when it has been ended, with all of its session, and may be reaped. */
    java.util.concurrent.CompletableFuture<Void> ended() {
        return ended;
    }

    /** The spawner's pid: the daemon's own child. */
    public int pid() {
        return pid;
    }

    /**
     * What {@code jinetd status} shows of a spawner.
     *
     * @param state    starting, ready, retired (a reload came: it takes no more programs), closing
     * @param programs its programs running now
     */
    public record Facts(String user, int pid, String state, int programs, Duration age) {}

    public synchronized Facts facts() {
        var shown = switch (state) {
            case STARTING -> "starting";
            case READY -> retired ? "retired" : "ready";
            case CLOSING, DEAD -> "closing";
        };
        return new Facts(account.user(), pid, shown, ledger.programs(), Duration.ofNanos(System.nanoTime() - started));
    }

    /** Whether it was ended before it said it was ready (it exited, or was not ready in time). */
    synchronized boolean failedStarting() {
        return failedStarting;
    }

    /** Whether it said it was ready, at any time. */
    synchronized boolean wasReady() {
        return readyAt != 0;
    }

    /** Whether it takes programs now: it said it is ready, and is not closing or retired. */
    synchronized boolean ready() {
        return state == State.READY && !dropped && !retired && closedAt < 0;
    }

    /**
     * Asks for a program; the answer completes the result. Null if this spawner takes no more
     * requests (it is closing, or ended): then another is asked.
     *
     * @throws SpawnFailure EAGAIN where its queue is full: it is behind, or stuck
     */
    CompletableFuture<Program> spawn(String service, SpawnWire.Spawn request, int[] passed, int stderr)
            throws Libc.Failure {
        synchronized (this) {
            if (state == State.CLOSING || state == State.DEAD || dropped || retired) {
                return null;
            }
            var numbered = new SpawnWire.Spawn(ledger.next(), request.argv(), request.env(), request.cwd(), request.umask(),
                    request.nofile(), request.fds(), request.keep());
            if (!handedOver) {
                // Sent once it hands over a socket of its own; failed with the spawner if it never does.
                hold(SpawnWire.encode(numbered), passed);
                return ledger.spawning(service, stderr);
            }
            try {
                UnixMessages.send(socket, SpawnWire.encode(numbered), passed, false);
            } catch (Libc.Failure e) {
                if (e.errno == Libc.EAGAIN) {
                    // As a machine short of processes: the listener waits a little before the next.
                    throw new SpawnFailure("spawner of " + account.user() + " is behind: its queue of requests is full",
                            Libc.EAGAIN);
                }
                if (e.errno != EPIPE && e.errno != ECONNRESET) {
                    throw e;
                }
                // It has gone already: this request fails with the reason its exit gives.
                if (closedAt < 0) {
                    closedAt = System.nanoTime();
                }
            }
            return ledger.spawning(service, stderr);
        }
    }

    /**
     * Asks the spawner to end its program {@code program}: SIGTERM to its process group now,
     * SIGKILL after {@code grace} to what is left of it (a helper it left in its group goes as
     * well). Completes when the spawner says SIGTERM is sent, true if any process got it;
     * false where the spawner is ended, which ends its programs anyway.
     */
    CompletableFuture<Boolean> end(int program, Duration grace) {
        var result = new CompletableFuture<Boolean>();
        String failure = null;
        synchronized (this) {
            if (state != State.READY || dropped) {
                return CompletableFuture.completedFuture(false);
            }
            try {
                var millis = (int) Math.min(Integer.MAX_VALUE, grace.toMillis());
                UnixMessages.send(socket, SpawnWire.encode(new SpawnWire.End(ledger.next(), program, millis)), new int[0],
                        false);
                ledger.signalling(result);
            } catch (Libc.Failure e) {
                failure = "does not take requests (" + e.getMessage() + ")";
            }
        }
        if (failure != null) {
            // Not asked, it may not end the program: ending the spawner does.
            fail(failure);
            return CompletableFuture.completedFuture(false);
        }
        return result;
    }

    /** Under the lock: keeps a request, with copies of its descriptors, until the hello. */
    private void hold(byte[] message, int[] passed) throws Libc.Failure {
        var copies = new int[passed.length];
        int made = 0;
        try {
            for (; made < passed.length; made++) {
                copies[made] = Descriptors.dupAbove(passed[made], 3);
            }
        } catch (Libc.Failure e) {
            for (int i = 0; i < made; i++) {
                Programs.closeQuietly(copies[i]);
            }
            throw e;
        }
        held.add(new Held(message, copies));
    }

    /** Under the lock: the requests held are never sent (their answers fail with the spawner's end). */
    private void sendHeldNever() {
        for (var request : held) {
            for (int fd : request.fds()) {
                Programs.closeQuietly(fd);
            }
        }
        held.clear();
    }

    /** Under the lock: the requests held sent, or not; their copies of descriptors closed either way. */
    private String sendHeld() {
        String failure = null;
        for (var request : held) {
            try {
                if (failure == null) {
                    UnixMessages.send(socket, request.message(), request.fds(), false);
                }
            } catch (Libc.Failure e) {
                failure = "does not take requests (" + e.getMessage() + ")";
            }
            for (int fd : request.fds()) {
                Programs.closeQuietly(fd);
            }
        }
        held.clear();
        return failure;
    }

    /** What the spawner said: read on the reaper thread whenever its socket is readable. */
    private void read() {
        Runnable afterHello = null;
        synchronized (this) {
            if (!handedOver && !dropped) {
                afterHello = readHello();
            }
        }
        if (afterHello != null) {
            afterHello.run();
            return;
        }
        var done = new ArrayList<Runnable>();
        var heard = new SpawnerAnswers.Heard(false, null);
        synchronized (this) {
            if (!dropped) {
                heard = answers.readNow(done);
            }
            if (heard.closed() && closedAt < 0) {
                closedAt = System.nanoTime();
            }
        }
        if (heard.closed()) {
            // Its exit follows, and says how it ended; the watch ends it if none comes.
            drop();
        }
        done.forEach(Runnable::run);
        if (heard.failure() != null) {
            fail(heard.failure());
        }
    }

    /**
     * Under the lock, on the reaper thread: its first message, on the socket it was started
     * with, must be its hello alone, with the end of a socket that it made itself, as its own
     * user, and while no process traces it. Then that socket is read from, and the first closed.
     */
    private Runnable readHello() {
        UnixMessages.Received message;
        try {
            message = UnixMessages.receive(socket, helloBuffer, 1, false);
        } catch (Libc.Failure e) {
            if (e.errno == ECONNRESET) {
                return closedWhileStarting();
            }
            return () -> fail("could not be read (" + e.getMessage() + ")");
        }
        if (message == null) {
            return () -> { };
        }
        if (message.data().length == 0) {
            return closedWhileStarting();
        }
        int given = message.fds().length > 0 ? message.fds()[0] : -1;
        for (int i = 1; i < message.fds().length; i++) {
            Programs.closeQuietly(message.fds()[i]);
        }
        var wrong = helloWrong(message, given);
        if (wrong != null) {
            Programs.closeQuietly(given);
            return () -> fail(wrong);
        }
        int first = socket;
        socket = given;
        handedOver = true;
        answers = new SpawnerAnswers(this, given, ledger, children, log);
        children.drop(first);
        children.listen(given, this::read);
        var done = new ArrayList<Runnable>();
        var said = hello(new SpawnWire.Hello(SpawnWire.VERSION), done);
        var failure = said != null ? said : sendHeld();
        return () -> {
            done.forEach(Runnable::run);
            if (failure != null) {
                fail(failure);
            }
        };
    }

    /** What is wrong with its hello, or null. */
    private String helloWrong(UnixMessages.Received message, int given) {
        var read = SpawnerReplies.parse(message.data());
        if (read.failure() != null) {
            return read.failure();
        }
        var replies = read.replies();
        if (replies.size() != 1 || !(replies.getFirst() instanceof SpawnWire.Hello hello)) {
            return "said something before it was ready";
        }
        if (hello.version() != SpawnWire.VERSION) {
            return "speaks version " + hello.version() + ", not " + SpawnWire.VERSION;
        }
        if (given < 0) {
            return "said it was ready without a socket of its own";
        }
        if (message.fds().length > 1 || message.truncated()) {
            return "said it was ready with more descriptors than its socket";
        }
        var madeBy = madeBy(given, pid, account.uid());
        if (madeBy != null) {
            return madeBy;
        }
        if (account.uid() != 0 && dumpable(pid)) {
            return "was still dumpable when it said it was ready";
        }
        var tracer = tracer(pid);
        // Unknown (-1): its /proc entry could not be read; the socket's maker is what counts.
        return tracer <= 0 ? null : "was traced by pid " + tracer + " when it said it was ready";
    }

    /** What is wrong with {@code socket} as one process {@code pid} of user {@code uid} made, or null. */
    static String madeBy(int socket, int pid, int uid) {
        int[] made;
        try {
            made = org.jinetd.daemon.os.SocketCalls.peerCredentials(socket);
        } catch (Libc.Failure e) {
            return "said it was ready with a descriptor that is no socket of its own (" + e.getMessage() + ")";
        }
        if (made[0] != pid || made[1] != uid) {
            return "said it was ready with a socket made by pid " + made[0] + " (uid " + made[1] + "), not by itself";
        }
        return null;
    }

    /**
     * Whether process {@code pid} of another user is dumpable: the kernel gives the entries
     * in /proc/PID of one that is not to root (not /proc/PID itself). False where it cannot
     * be told (gone: its exit says the rest).
     */
    private static boolean dumpable(int pid) {
        try {
            var status = java.nio.file.Path.of("/proc/" + pid + "/status");
            return (int) java.nio.file.Files.getAttribute(status, "unix:uid") != 0;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** The pid tracing process {@code pid} (/proc's TracerPid), 0 for none, -1 where it cannot be read. */
    private static int tracer(int pid) {
        try {
            for (var line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("TracerPid:")) {
                    return Integer.parseInt(line.substring(10).strip());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Gone, or not Linux's /proc: its exit says the rest.
        }
        return -1;
    }

    /** Under the lock: its socket closed before its hello; its exit follows, and says how it ended. */
    private Runnable closedWhileStarting() {
        if (closedAt < 0) {
            closedAt = System.nanoTime();
        }
        return this::drop;
    }

    /** It says it is ready; under the lock, from {@link SpawnerAnswers}. Returns what is wrong, or null. */
    String hello(SpawnWire.Hello hello, List<Runnable> done) {
        if (state == State.CLOSING && readyAt == 0) {
            // Closed while it started (the daemon stops): it exits once it reads the end of its socket.
            return null;
        }
        if (state != State.STARTING) {
            return "said it was ready twice";
        }
        if (hello.version() != SpawnWire.VERSION) {
            return "speaks version " + hello.version() + ", not " + SpawnWire.VERSION;
        }
        state = State.READY;
        readyAt = System.nanoTime();
        var after = Duration.ofNanos(readyAt - started);
        done.add(() -> log.note("spawner of %s (pid %d): ready after %.2fs".formatted(account.user(), pid,
                after.toNanos() / 1e9)));
        return null;
    }

    /** Whether it said it is ready and has not been ended since: its answers are taken. Under the lock. */
    boolean saidReady() {
        return state == State.READY;
    }

    /**
     * Watches the clock: a request not answered in time ends the spawner, and so does a
     * spawner that closed its socket and does not exit; one with nothing to do for its idle
     * spell is closed.
     */
    private void watch() {
        long shortest = Math.min(settings.start().toMillis(), Math.min(settings.reply().toMillis(), settings.idle().toMillis()));
        long tick = Math.max(1, Math.min(1000, shortest / 4));
        while (true) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            String overdue = null;
            boolean idle = false;
            synchronized (this) {
                long now = System.nanoTime();
                if (state == State.DEAD) {
                    return;
                }
                if (closedAt >= 0) {
                    if (now - closedAt > EXIT_AFTER_CLOSE.toNanos()) {
                        overdue = state == State.CLOSING ? "did not exit when its idle spell was over"
                                : "closed its socket and did not exit";
                    }
                } else if (state == State.STARTING) {
                    if (now - started > settings.start().toNanos()) {
                        overdue = "was not ready within " + shown(settings.start());
                    }
                } else if (ledger.oldest() != null) {
                    if (now - Math.max(ledger.oldest().sent(), readyAt) > settings.reply().toNanos()) {
                        overdue = "gave no answer within " + shown(settings.reply());
                    }
                } else if (ledger.runsNothing() && (retired || now - ledger.quietSince() >= settings.idle().toNanos())) {
                    state = State.CLOSING;
                    closedAt = now;
                    idle = true;
                }
            }
            if (overdue != null) {
                fail(overdue);
                return;
            }
            if (idle) {
                // It reads the end of its socket and exits; a program of its user asks a new one.
                forget.accept(this);
                drop();
                log.note(retiring() ? "spawner of %s (pid %d): closed after its last program of the table before"
                        .formatted(account.user(), pid) : "spawner of %s (pid %d): closed after %s without a program"
                        .formatted(account.user(), pid, shown(settings.idle())));
            }
        }
    }

    /** A new table is served: no more programs, and closed after the last (at the next look of its watch). */
    void retire() {
        synchronized (this) {
            retired = true;
        }
    }

    private synchronized boolean retiring() {
        return retired;
    }

    /** The spawner has been reaped. */
    private void exited(Exit how) {
        synchronized (this) {
            if (state == State.CLOSING && ledger.idle()) {
                state = State.DEAD;
                done();
                return;
            }
        }
        if (how == null) {
            fail("could not be watched");
        } else if (how.signal().isPresent()) {
            fail("was killed by signal " + Signals.name(how.signal().getAsInt()));
        } else {
            fail("exited with status " + (how.status().isPresent() ? how.status().getAsInt() : "unknown"));
        }
    }

    /**
     * Ends the spawner and every program it started, once: SIGKILL to it, then to its whole
     * session, after which each program's connection ends with {@code reason} and gives back
     * its place.
     */
    void fail(String reason) {
        Ledger.Left left;
        synchronized (this) {
            if (state == State.DEAD) {
                return;
            }
            failedStarting = state == State.STARTING;
            state = State.DEAD;
            left = ledger.drop();
            sendHeldNever();
        }
        forget.accept(this);
        int programs = left.programs().size();
        log.warn("spawner of %s (pid %d) %s; ending it%s".formatted(account.user(), pid, reason,
                programs == 0 ? "" : " and its " + programs + " program" + (programs == 1 ? "" : "s")));
        Thread.ofVirtual().name("spawner-" + account.user() + "-end").start(() -> {
            watch.signalGroup(SIGKILL);
            int outlived = Sessions.kill(pid, Duration.ofSeconds(5));
            if (outlived > 0) {
                log.warn("spawner of %s (pid %d): %d process%s of its session outlived SIGKILL".formatted(
                        account.user(), pid, outlived, outlived == 1 ? "" : "es"));
            }
            drop();
            left.fail(new SpawnFailure("spawner of " + account.user() + " " + reason, 0), children);
            // Its session is empty once its processes are zombies, but a JVM's first thread shows
            // as one while its other threads still end: over once the reaper has seen it end, so
            // that a daemon stopping now still has its reaper to reap it.
            try {
                watch.exit.get(EXIT_AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                log.warn("spawner of %s (pid %d): its end was not seen %s after SIGKILL".formatted(account.user(), pid,
                        shown(EXIT_AFTER_KILL)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done();
        });
    }

    /**
     * It is over, with all of its session: the reaper may reap it. Given back before {@link
     * #ended} completes, so that a daemon that closes its reaper once every spawner has ended
     * finds none still held, and reaps each (a spawner killed as the daemon stops would
     * otherwise stay a zombie for as long as the daemon's process lives).
     */
    private void done() {
        if (released.compareAndSet(false, true)) {
            children.release(watch);
            ended.complete(null);
        }
    }

    /** Stops reading its socket and closes it, once. */
    private void drop() {
        int closing;
        synchronized (this) {
            if (dropped) {
                return;
            }
            dropped = true;
            closing = socket;
        }
        children.drop(closing);
    }

    /** The daemon stops: the spawner is closed, and ended if it does not exit or still has work. */
    void close() {
        boolean busy = false;
        boolean dead;
        synchronized (this) {
            dead = state == State.DEAD;
            if (!dead) {
                busy = !ledger.idle();
                if (!busy) {
                    state = State.CLOSING;
                    closedAt = System.nanoTime();
                }
            }
        }
        if (!dead && !busy) {
            drop();
            try {
                watch.exit.get(EXIT_AFTER_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                // Not gone by itself: ended below.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!dead) {
            // Nothing if it exited as asked.
            fail(busy ? "was still running programs when the daemon stopped" : "did not exit when the daemon stopped");
        }
        try {
            ended.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            log.warn("spawner of %s (pid %d) could not be ended in time".formatted(account.user(), pid));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String shown(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
