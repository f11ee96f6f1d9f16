package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * haproxy itself (Debian's 2.6), in the foreground on a configuration a test writes, with
 * TCP frontends on 127.0.0.1. haproxy takes no port 0: each frontend gets a port the OS
 * handed out as free a moment before, and should another process take one meanwhile,
 * haproxy fails to bind and is started again on new ones. What it logs to stdout
 * ({@code log stdout format raw}) is kept for the test to read.
 */
final class Haproxy implements AutoCloseable {
    static final Path PROGRAM = Path.of("/usr/sbin/haproxy");
    /** A loaded machine's start-up, not an expectation. */
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration LOGGED = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final List<Integer> ports;

    private Haproxy(Process process, Path dir, List<Integer> ports) {
        this.process = process;
        this.dir = dir;
        this.ports = ports;
    }

    /** Skips the calling test, saying why, where haproxy is not installed. */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(PROGRAM), PROGRAM + " is not installed (.ci/run installs haproxy)");
    }

    /**
     * Starts haproxy on {@code config} of {@code frontends} free ports, in {@code dir}, and
     * returns once it listens on every one of them.
     */
    static Haproxy start(Path dir, int frontends, Function<List<Integer>, String> config) throws Exception {
        for (int attempt = 1; ; attempt++) {
            var ports = new ArrayList<Integer>();
            while (ports.size() < frontends) {
                int port = TestDaemon.freePort();
                if (!ports.contains(port)) {
                    ports.add(port);
                }
            }
            var file = Files.writeString(dir.resolve("haproxy.cfg"), config.apply(List.copyOf(ports)));
            Files.deleteIfExists(dir.resolve("haproxy.out"));
            var process = new ProcessBuilder(PROGRAM.toString(), "-db", "-f", file.toString())
                    .redirectOutput(dir.resolve("haproxy.out").toFile())
                    .redirectError(dir.resolve("haproxy.err").toFile()).start();
            var haproxy = new Haproxy(process, dir, List.copyOf(ports));
            if (haproxy.listening()) {
                return haproxy;
            }
            haproxy.close();
            var said = Files.readString(dir.resolve("haproxy.err"));
            if (attempt == 3 || !said.contains("cannot bind socket")) {
                fail("haproxy did not listen on " + ports + ":\n" + said + "\n" + Files.readString(file));
            }
        }
    }

    /** Whether it listens on all its ports; false once it has exited, or after {@link #START}. */
    private boolean listening() throws IOException {
        long deadline = System.nanoTime() + START.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            if (listens().containsAll(ports)) {
                return true;
            }
            // haproxy says nothing when it is ready: its sockets are looked at until they listen.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return false;
    }

    /** The local ports of haproxy's own listening TCP sockets, by their inodes in /proc. */
    private Set<Integer> listens() throws IOException {
        var inodes = new HashSet<String>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            for (var fd : (Iterable<Path>) fds::iterator) {
                try {
                    var target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // Closed while we looked.
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        var ports = new HashSet<Integer>();
        // sl local_address rem_address st ... inode; 0A is LISTEN.
        for (var line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            var fields = line.trim().split("\\s+");
            if (fields.length > 9 && fields[3].equals("0A") && inodes.contains(fields[9])) {
                ports.add(Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16));
            }
        }
        return ports;
    }

    /** The port of frontend {@code index}, in the order the configuration took them. */
    int port(int index) {
        return ports.get(index);
    }

    /** What haproxy logged to stdout so far, a line each. */
    List<String> logged() throws IOException {
        var file = dir.resolve("haproxy.out");
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    /** Waits (up to 30 s) for a line haproxy logs that matches, and returns it. */
    String awaitLogged(Predicate<String> matching) throws IOException {
        long deadline = System.nanoTime() + LOGGED.toNanos();
        while (true) {
            var found = logged().stream().filter(matching).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                return fail("haproxy logged no such line within " + LOGGED.toSeconds() + " s:\n"
                        + String.join("\n", logged()) + "\n" + Files.readString(dir.resolve("haproxy.err")));
            }
            // haproxy writes its log to a file: read again until the line is there.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
