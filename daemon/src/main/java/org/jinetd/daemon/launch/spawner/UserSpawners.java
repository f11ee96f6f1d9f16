package org.jinetd.daemon.launch.spawner;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.RunAs;
import org.jinetd.daemon.config.Tools;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.UnixMessages;
import org.jinetd.daemon.launch.program.Children;
import org.jinetd.daemon.launch.program.Watch;
import org.jinetd.daemon.launch.program.Program;
import org.jinetd.daemon.launch.program.Programs;
import org.jinetd.daemon.launch.program.NativeSpawn;
import org.jinetd.daemon.launch.program.Command;
import org.jinetd.daemon.launch.program.OtherUsers;
import org.jinetd.daemon.launch.program.Setup;
import org.jinetd.daemon.launch.program.StderrLines;

/**
 * The spawners of a root daemon: one per user and group whose programs it runs, each started
 * when the first of them is needed and closed after {@link Settings#IDLE} with nothing to do,
 * so that a quiet server costs nothing. See {@link UserSpawner} for what one does and
 * {@link SpawnerLink} for how the daemon keeps it in check.
 */
public final class UserSpawners implements AutoCloseable, OtherUsers {
    /** Whose spawner: programs of one user and group share one. */
    record Account(int uid, int gid, String user) {
        static Account of(RunAs runAs) {
            return new Account(runAs.uid(), runAs.gid(), runAs.user());
        }
    }

    /**
     * How spawners are started and kept.
     *
     * @param command what setpriv runs as the user: the JVM and its class
     * @param idle    how long a spawner with no program and no request lives on
     * @param start   how long it has to say it is ready
     * @param reply   how long it has to answer a request
     * @param meanwhile while a user's spawner starts, that user's programs go through setpriv
     *                (else they wait for it to be ready)
     */
    public record Settings(List<String> command, Duration idle, Duration start, Duration reply, boolean meanwhile) {
        /** A spawner with nothing to do for this long exits; the next program of its user starts another. */
        public static final Duration IDLE = Duration.ofSeconds(30);
        /** A JVM starts in well under a second, or a few on a loaded machine. */
        public static final Duration START = Duration.ofSeconds(30);
        /** A spawn takes a millisecond; a spawner that does not answer in this is stuck or stopped. */
        public static final Duration REPLY = Duration.ofSeconds(10);

        public Settings {
            command = List.copyOf(command);
        }

        /** Programs wait for their spawner to be ready. */
        public Settings(List<String> command, Duration idle, Duration start, Duration reply) {
            this(command, idle, start, reply, false);
        }

        /** The same, with programs waiting for their spawner ({@code false}), or not. */
        public Settings meanwhile(boolean viaSetpriv) {
            return new Settings(command, idle, start, reply, viaSetpriv);
        }

        /**
         * The spawner as this JVM starts it: the same java and the same jar (or classes), the
         * smallest heap and the quick compiler only, and this JVM's AOT cache where it has one.
         * IllegalStateException, with why, where the class path cannot be handed to another JVM.
         */
        public static Settings ofThisJvm() {
            var java = Path.of(System.getProperty("java.home"), "bin", "java");
            var classes = installedJar(System.getProperty("jinetd.home")).orElseGet(Settings::codeSource);
            if (!Files.isExecutable(java) || !Files.exists(classes)) {
                throw new IllegalStateException("no " + java + " or " + classes);
            }
            var command = new ArrayList<>(List.of(java.toString(),
                    // The AOT cache's objects need 8 MB of heap at start.
                    "-Xms8m", "-Xmx16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
                    "-Xss256k", "-XX:ReservedCodeCacheSize=8m", "-XX:MaxMetaspaceSize=32m",
                    // No files of its own in /tmp, no attach listener, no handlers for the terminal's signals.
                    "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-Xrs",
                    // As the daemon's launcher: the JDK's class-file builder, which makes the FFM
                    // call stubs at start-up, is left to the interpreter; compiling its largest
                    // method alone took 6 MB of compiler arena, kept for good (bench/memory.sh).
                    "-XX:CompileCommand=quiet", "-XX:CompileCommand=exclude,jdk.internal.classfile.impl.*::*",
                    "--enable-native-access=ALL-UNNAMED"));
            command.addAll(runtimeOptions(java, classes));
            // As JINETD_JAVA_OPTS for the daemon: flags that add to or override these (the admin's).
            var extra = System.getenv("JINETD_SPAWNER_JAVA_OPTS");
            if (extra != null && !extra.isBlank()) {
                command.addAll(List.of(extra.strip().split("\\s+")));
            }
            command.addAll(List.of("-cp", classes.toString(), UserSpawner.class.getName()));
            return new Settings(command, IDLE, START, REPLY, true);
        }

        /**
         * The daemon's jar where the launcher says jinetd is ({@code -Djinetd.home}). Not where
         * the JVM says the class came from: a class from the AOT cache names the jar the cache
         * was made with, in the build's tree, which an installed package does not have.
         */
        private static Optional<Path> installedJar(String home) {
            if (home == null || home.isBlank()) {
                return Optional.empty();
            }
            var jar = Path.of(home, "lib", "jinetd-daemon.jar");
            return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
        }

        /** Where this JVM loaded the spawner's class from: the classes of a build, for its tests. */
        private static Path codeSource() {
            try {
                var source = UserSpawner.class.getProtectionDomain().getCodeSource();
                return Path.of(source.getLocation().toURI());
            } catch (URISyntaxException | RuntimeException e) {
                throw new IllegalStateException("the jar of jinetd cannot be found (" + e + ")");
            }
        }

        /**
         * The flags for the runtime built with jinetd ({@code runtime/} beside {@code lib/}),
         * whose JVM is known to take them; none for another. Its AOT cache, made by the build
         * for this jar and this runtime ({@code lib/spawner.aot} beside the jar), is mapped
         * where it was made to be: the JVM's default moves it to a random address and
         * rewrites every pointer in it, which made 10 of its 12 MiB private to each spawner;
         * in place, its read-only part is one copy for all of them (bench/users.sh: 4 MiB less
         * PSS a spawner). The daemon, which faces the network, keeps the random address; a
         * spawner reads only what the daemon sends it.
         */
        private static List<String> runtimeOptions(Path java, Path classes) {
            var lib = classes.getParent();
            var home = lib == null ? null : lib.getParent();
            // As the launcher tells it: this java is runtime/bin/java beside lib/.
            if (home == null || !java.equals(home.resolve("runtime").resolve("bin").resolve("java"))) {
                return List.of();
            }
            var cache = lib.resolve("spawner.aot");
            // As the daemon's launcher: the JVM's housekeeping looks every 10 s, not four and
            // one times a second, while the spawner waits (diagnostic flags, known to this runtime).
            var options = new ArrayList<>(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:AsyncDeflationInterval=10000",
                    "-XX:ServiceThreadCleanupInterval=10000"));
            if (Files.isReadable(cache)) {
                options.addAll(List.of("-XX:AOTCache=" + cache, "-XX:ArchiveRelocationMode=0"));
            }
            return options;
        }
    }

    private final Children children;
    private final ConnectionLog log;
    private final Settings settings;
    private final Setup setup;
    private final Map<Account, SpawnerLink> links = new HashMap<>();

    /**
     * How long the programs of a user whose spawner failed to start go through setpriv before
     * another is tried: a spawner that cannot start (a limit of its user's, a broken runtime)
     * would otherwise cost a JVM's start per client, which a client could repeat at will.
     * Doubled at each failure after the first, up to {@link #LONGEST_WAIT}; a spawner that gets
     * ready ends it.
     */
    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(1);

    /**
     * @param until  System.nanoTime() when another spawner may be tried
     * @param length how long this wait is; the next is twice as long
     */
    private record Wait(long until, Duration length) {}

    /**
     * Users whose last spawner ended before it said it was ready: until when their programs
     * go through setpriv without another spawner being started, and how long that wait is.
     */
    private final Map<Account, Wait> failing = new HashMap<>();
    /** Spawners of an earlier table, which take no more programs and close after their last. */
    private final List<SpawnerLink> retired = new ArrayList<>();
    /** Every spawner not yet ended and reaped, those closing by themselves included: a stop waits for each. */
    private final java.util.Set<SpawnerLink> unfinished = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private boolean closed;

    /** @param setup what the daemon's programs get: its soft limit of open files, which theirs get too */
    public UserSpawners(Children children, ConnectionLog log, Settings settings, Setup setup) {
        this.setup = setup;
        this.children = children;
        this.log = log;
        this.settings = settings;
    }

    @Override
    public CompletableFuture<Program> start(String service, Launch.Exec exec, Map<String, String> environment, int[] fds,
                                            int stderr, int connection) throws Libc.Failure {
        var command = Command.forSpawner(exec, environment);
        // Each descriptor is sent once; the request says which becomes which of the program's.
        var passed = new ArrayList<Integer>();
        var layout = new int[fds.length];
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] < 0) {
                layout[i] = -1;
            } else {
                if (!passed.contains(fds[i])) {
                    passed.add(fds[i]);
                }
                layout[i] = passed.indexOf(fds[i]);
            }
        }
        long nofile = setup.forSpawners()
                .map(n -> n.equals("unlimited") ? SpawnWire.NOFILE_UNLIMITED : Long.parseLong(n))
                .orElse(SpawnWire.NOFILE_KEEP);
        List<String> envp = command.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        var request = new SpawnWire.Spawn(0, command.argv(), envp, command.cwd(),
                exec.resources().umask().orElse(-1), nofile, layout, passed.indexOf(connection));
        return spawn(exec.runAs(), service, request, passed.stream().mapToInt(Integer::intValue).toArray(), stderr);
    }

    @Override
    public boolean takesNow(Launch.Exec exec) {
        if (!settings.meanwhile()) {
            return true;
        }
        var account = Account.of(exec.runAs());
        SpawnerLink link;
        synchronized (this) {
            if (closed) {
                return true;
            }
            link = links.get(account);
            if (link == null) {
                var wait = failing.get(account);
                if (wait != null && System.nanoTime() - wait.until() < 0) {
                    return false;
                }
                try {
                    start(account);
                } catch (Libc.Failure | RuntimeException e) {
                    // Asked again with the program, which then fails with why.
                    return true;
                }
                return false;
            }
        }
        // Outside this lock: a spawner's lock may be held a while by the reading of its replies.
        return link.ready();
    }

    /**
     * Has the spawner of {@code runAs} start a program (started first if it is not running).
     * See {@link SpawnWire.Spawn}; {@code passed} go with the request, {@code stderr} (or -1)
     * is the read end of the program's stderr pipe, the spawner's to close from here on.
     */
    public CompletableFuture<Program> spawn(RunAs runAs, String service, SpawnWire.Spawn request, int[] passed, int stderr)
            throws Libc.Failure {
        var account = Account.of(runAs);
        while (true) {
            SpawnerLink link;
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the daemon is stopping");
                }
                link = links.get(account);
                if (link == null) {
                    link = start(account);
                }
            }
            var started = link.spawn(service, request, passed, stderr);
            if (started != null) {
                return started;
            }
            // Closing after its idle spell, or ended, as this came: the next one takes it.
            forget(link);
        }
    }

    /**
     * Starts the spawner of {@code account}: setpriv (as root, with PATH alone) switches to the
     * user, its groups and no capabilities, in a session of its own, and runs the spawner
     * with its end of a socket pair as its descriptor 3 and its stdout and stderr to the log.
     * It is the user's spawner from here, until it is forgotten.
     */
    private SpawnerLink start(Account account) throws Libc.Failure {
        int[] pair = UnixMessages.pair();
        int[] stderr = null;
        int pid;
        try {
            stderr = Descriptors.pipe();
            var argv = new ArrayList<>(List.of(Tools.SETPRIV.orElse("setpriv"), "--reuid=" + account.uid(),
                    "--regid=" + account.gid(), "--init-groups", "--"));
            argv.addAll(settings.command());
            // Its stdout too: the JVM says there why it could not start.
            pid = NativeSpawn.spawn(argv, Command.WRAPPERS_ENV, "/", new int[] {-1, stderr[1], stderr[1], pair[1]});
        } catch (Libc.Failure | RuntimeException e) {
            Programs.closeQuietly(pair[0]);
            Programs.closeQuietly(pair[1]);
            if (stderr != null) {
                Programs.closeQuietly(stderr[0]);
                Programs.closeQuietly(stderr[1]);
            }
            throw e;
        }
        Programs.closeQuietly(pair[1]);
        Programs.closeQuietly(stderr[1]);
        Watch watch;
        try {
            watch = children.watchSpawner(pid, stderr[0], new StderrLines(log, "spawner:" + account.user(), pid));
        } catch (Libc.Failure | RuntimeException e) {
            // Killed and reaped by the reaper already, which has its stderr too.
            Programs.closeQuietly(pair[0]);
            throw e;
        }
        var link = SpawnerLink.of(account, settings, children, log, this::forget, pid, pair[0], watch);
        unfinished.add(link);
        link.ended().thenRun(() -> unfinished.remove(link));
        links.put(account, link);
        link.begin();
        return link;
    }

    private synchronized void forget(SpawnerLink link) {
        var account = link.account();
        if (links.remove(account, link)) {
            if (link.failedStarting()) {
                var last = failing.get(account);
                var twice = last == null ? FIRST_WAIT : last.length().multipliedBy(2);
                var wait = twice.compareTo(LONGEST_WAIT) < 0 ? twice : LONGEST_WAIT;
                failing.put(account, new Wait(System.nanoTime() + wait.toNanos(), wait));
                log.warn("spawner of %s failed to start; its programs go through setpriv for %ds before another is tried"
                        .formatted(account.user(), wait.toSeconds()));
            } else if (link.wasReady()) {
                failing.remove(account);
            }
        }
        retired.remove(link);
    }

    /**
     * A new table is served: every spawner running now takes no more programs and closes after
     * its last, and the next program of its user gets a new one, with that user's groups as
     * they are now (a spawner keeps those it started with).
     */
    public void retire() {
        List<SpawnerLink> old;
        synchronized (this) {
            old = List.copyOf(links.values());
            links.clear();
            retired.addAll(old);
        }
        old.forEach(SpawnerLink::retire);
    }

    /** The spawners running now, by user, those retired included. */
    public synchronized List<SpawnerLink> running() {
        var all = new ArrayList<>(links.values());
        all.addAll(retired);
        return List.copyOf(all);
    }

    /** Closes every spawner: each exits once it has read the end of its socket, or is ended. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            links.clear();
            retired.clear();
        }
        // Those closing after an idle spell or a reload too: none is left unreaped behind the daemon.
        // All at once, each on a thread of its own: a stop waits for the slowest, not for their sum.
        var closing = new ArrayList<Thread>();
        for (var link : List.copyOf(unfinished)) {
            closing.add(Thread.ofVirtual().name("spawner-" + link.account().user() + "-close").start(link::close));
        }
        for (var thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
