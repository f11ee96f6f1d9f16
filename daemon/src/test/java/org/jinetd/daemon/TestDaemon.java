package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.ServiceTable;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.launch.spawner.UserSpawners;

/**
 * A daemon in this JVM, on a table written by a test: every TCP/UDP service without a
 * {@code port} gets a free one. Its log lines are kept for assertions.
 */
public final class TestDaemon implements AutoCloseable {
    /** Runs {@code supervisor} on a platform thread of its own; its outcome, or what it threw. */
    static java.util.concurrent.CompletableFuture<Supervisor.Outcome> running(Supervisor supervisor) {
        var running = new java.util.concurrent.CompletableFuture<Supervisor.Outcome>();
        Thread.ofPlatform().name("supervisor-test").start(() -> {
            try {
                running.complete(supervisor.run());
            } catch (Throwable e) {
                running.completeExceptionally(e);
            }
        });
        return running;
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Daemon daemon;
    private final List<String> log;
    private final Path file;

    private TestDaemon(Daemon daemon, List<String> log, Path file) {
        this.daemon = daemon;
        this.log = log;
        this.file = file;
    }

    /**
     * The daemon of {@code yaml}. A program of another user always goes through its spawner,
     * which it waits for, so that what a test sees of it is the spawner's work; the daemon
     * itself sends such a program through setpriv while the spawner starts
     * ({@link #startAsRun}).
     */
    public static TestDaemon start(String yaml) throws Exception {
        var table = table(yaml);
        var log = new CopyOnWriteArrayList<String>();
        UserSpawners.Settings spawners;
        try {
            spawners = UserSpawners.Settings.ofThisJvm().meanwhile(false);
        } catch (IllegalStateException e) {
            // No spawner can be started from here: the daemon says so, as jinetd run would.
            return new TestDaemon(Daemon.start(table, tapped(log)), log, table.file());
        }
        return new TestDaemon(Daemon.start(table, tapped(log), spawners), log, table.file());
    }

    /** As {@link #start(String)}, with spawners as {@code jinetd run} has them. */
    public static TestDaemon startAsRun(String yaml) throws Exception {
        var table = table(yaml);
        var log = new CopyOnWriteArrayList<String>();
        return new TestDaemon(Daemon.start(table, tapped(log)), log, table.file());
    }

    /** As {@link #startAsRun(String)}, with the sockets systemd would pass in. */
    public static TestDaemon start(String yaml, org.jinetd.daemon.listen.Passed passed) throws Exception {
        var table = table(yaml);
        var log = new CopyOnWriteArrayList<String>();
        return new TestDaemon(Daemon.start(table, tapped(log), passed), log, table.file());
    }

    /** As {@link #start(String)}, with spawners of other users started as {@code spawners} says. */
    public static TestDaemon start(ServiceTable table, UserSpawners.Settings spawners) throws Exception {
        var log = new CopyOnWriteArrayList<String>();
        return new TestDaemon(Daemon.start(table, tapped(log), spawners), log, table.file());
    }

    /** The table of {@code yaml}, with free ports filled in. */
    public static ServiceTable table(String yaml) throws IOException {
        return switch (Config.load(write(yaml))) {
            case Loaded.Bad(var problems) -> throw new AssertionError("bad table: " + problems);
            case Loaded.Ok(var table) -> table;
        };
    }

    private static ConnectionLog tapped(List<String> log) {
        return new ConnectionLog(line -> {
            synchronized (log) {
                log.add(line);
                log.notifyAll();
            }
        });
    }

    /** Writes {@code yaml} to a temporary file, with free ports filled in. */
    public static Path write(String yaml) throws IOException {
        var root = (ObjectNode) YAML.readTree(yaml);
        // Daemons of tests run side by side: none takes the default control socket unless asked.
        if (!root.has("control_socket")) {
            root.put("control_socket", "none");
        }
        var services = (ObjectNode) root.get("services");
        // Every port held until all are picked, so that no two services get the same one.
        var held = new java.util.ArrayList<AutoCloseable>();
        try {
            if (services != null) {
                for (var entry : services.properties()) {
                    var service = (ObjectNode) entry.getValue();
                    var protocol = service.path("protocol").asText("tcp");
                    if (!service.has("port") && !protocol.equals("unix")) {
                        service.put("port", holdPort(held));
                    }
                }
            }
        } finally {
            release(held);
        }
        var file = Files.createTempFile("jinetd-test", ".yaml");
        file.toFile().deleteOnExit();
        YAML.writeValue(file.toFile(), root);
        return file;
    }

    /** A port free for both TCP and UDP on loopback now. */
    public static int freePort() throws IOException {
        var held = new java.util.ArrayList<AutoCloseable>();
        try {
            return holdPort(held);
        } finally {
            release(held);
        }
    }

    private static void release(java.util.List<AutoCloseable> held) throws IOException {
        for (var socket : held) {
            try {
                socket.close();
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }

    /** A port free for TCP and UDP, kept taken (by sockets added to {@code held}) until they are closed. */
    private static int holdPort(java.util.List<AutoCloseable> held) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            var tcp = new ServerSocket(0);
            try {
                var udp = new java.net.DatagramSocket(tcp.getLocalPort());
                held.add(tcp);
                held.add(udp);
                return tcp.getLocalPort();
            } catch (IOException e) {
                tcp.close();
            }
        }
        throw new IOException("no free port");
    }

    public int port(String service) {
        return ((InetSocketAddress) address(service)).getPort();
    }

    public SocketAddress address(String service) {
        return daemon.address(service).orElseThrow(() -> new AssertionError("no service " + service));
    }

    public Daemon daemon() {
        return daemon;
    }

    /** Waits until at least {@code count} connections are live; false if {@code limit} passed first. */
    public boolean awaitLive(int count, java.time.Duration limit) throws InterruptedException {
        return awaitLive(daemon, count, limit);
    }

    /** Waits until no connection is live; false if {@code limit} passed first. */
    public boolean awaitIdle(java.time.Duration limit) throws InterruptedException {
        return awaitLive(daemon, -1, limit);
    }

    /** The pids of the spawners of other users running now. */
    public List<Integer> spawners() {
        return daemon.spawnerFacts().stream().map(org.jinetd.daemon.launch.spawner.SpawnerLink.Facts::pid).toList();
    }

    /**
     * Waits until {@code daemon} has at least {@code count} live connections, or none when
     * {@code count} is negative; false if {@code limit} passed first.
     */
    static boolean awaitLive(Daemon daemon, int count, java.time.Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        // Live entries (a connection accepted but not yet entered does not count), or nothing at all.
        while (count < 0 ? daemon.live() > 0 : daemon.connections().size() < count) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    public Path file() {
        return file;
    }

    public List<String> log() {
        return List.copyOf(log);
    }

    /** Waits (up to 10 s) for a log line that matches, and returns it. */
    public String awaitLog(Predicate<String> matching) {
        return await(lines -> lines.stream().filter(matching).findFirst()).orElseGet(() ->
                fail("no log line matched within 10 s; the log:\n" + String.join("\n", log)));
    }

    /** Waits (up to 10 s) until the log as a whole satisfies {@code condition}; false if it never did. */
    public boolean awaitLogs(Predicate<List<String>> condition) {
        return await(lines -> condition.test(lines) ? Optional.of(true) : Optional.<Boolean>empty()).orElse(false);
    }

    private <T> Optional<T> await(Function<List<String>, Optional<T>> found) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        synchronized (log) {
            while (true) {
                var result = found.apply(log);
                long left = deadline - System.nanoTime();
                if (result.isPresent() || left <= 0) {
                    return result;
                }
                try {
                    log.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return result;
                }
            }
        }
    }

    public String awaitLog(String containing) {
        return awaitLog(line -> line.contains(containing));
    }

    @Override
    public void close() {
        daemon.stop();
    }
}
