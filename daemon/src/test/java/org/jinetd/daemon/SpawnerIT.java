package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.os.Sessions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spawner of a user, as the installed launcher starts it: with its own AOT cache, and
 * gone with its programs when the daemon dies without a word.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpawnerIT {
    @Test
    void whenTheDaemonIsKilledItsSpawnerEndsItsProgramsAndExits() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "a spawner of another user needs a root daemon");
        var table = TestDaemon.write("""
                services:
                  hello: {bind: 127.0.0.1, user: nobody, exec: [/bin/echo, hello]}
                  stubborn: {bind: 127.0.0.1, user: nobody,
                             exec: [/bin/sh, -c, 'trap "" TERM; echo ready; sleep 60 & sleep 60; wait']}
                """);
        var ports = new ObjectMapper(new YAMLFactory()).readTree(table.toFile()).at("/services");
        int port = ports.at("/stubborn/port").asInt();
        try (var jinetd = Launched.start("run", "-c", table.toString());
             var client = awaitSpawner(jinetd, ports.at("/hello/port").asInt(), port)) {
            assertEquals("ready\n", new String(client.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
            int spawner = child(jinetd.pid());
            var command = Files.readString(Path.of("/proc/" + spawner + "/cmdline")).replace('\0', ' ');
            assertTrue(command.contains("-XX:AOTCache=") && command.contains("spawner.aot"), command);
            assertTrue(await(() -> Sessions.members(spawner).size() >= 4), "the spawner, sh and two sleeps");
            jinetd.signal("KILL");
            jinetd.exit();
            // Its socket's end tells the spawner: it kills what it started, and goes.
            assertTrue(await(() -> Sessions.members(spawner).isEmpty()),
                    "left of the spawner's session: " + Sessions.members(spawner));
            assertEquals(-1, client.getInputStream().read(), "the client is let go");
        }
    }

    /**
     * The package installs a distribution built elsewhere, and its AOT cache names the jar of
     * the build's tree: the spawner is started from the jar beside the launcher, with its own
     * cache, wherever the distribution has been copied to.
     */
    @Test
    void aDistributionCopiedElsewhereStartsItsSpawnerFromItsOwnJar(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "a spawner of another user needs a root daemon");
        var copy = dir.resolve("elsewhere");
        var copied = new ProcessBuilder("cp", "-a", Launched.LAUNCHER.getParent().getParent().toString(), copy.toString())
                .inheritIO().start();
        assertEquals(0, copied.waitFor());
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var table = TestDaemon.write("""
                services:
                  hello: {bind: 127.0.0.1, user: nobody, exec: [/bin/echo, hello]}
                  again: {bind: 127.0.0.1, user: nobody, exec: [/bin/echo, again]}
                """);
        var ports = new ObjectMapper(new YAMLFactory()).readTree(table.toFile()).at("/services");
        try (var jinetd = Launched.start(copy.resolve("bin").resolve("jinetd"), java.util.Map.of(), "run", "-c",
                table.toString());
             var client = awaitSpawner(jinetd, ports.at("/hello/port").asInt(), ports.at("/again/port").asInt())) {
            assertEquals("again\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            int spawner = child(jinetd.pid());
            var command = Files.readString(Path.of("/proc/" + spawner + "/cmdline")).replace('\0', ' ');
            assertTrue(command.contains(" -cp " + copy.toRealPath().resolve("lib").resolve("jinetd-daemon.jar") + " "),
                    command);
            assertTrue(command.contains("-XX:AOTCache=" + copy.toRealPath().resolve("lib").resolve("spawner.aot")),
                    command);
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
        }
    }

    /** The one child of {@code pid}: the thread that spawned it may be any of the JVM's. */
    private static int child(long pid) throws java.io.IOException {
        var children = new StringBuilder();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (var task : (Iterable<Path>) tasks::iterator) {
                children.append(Files.readString(task.resolve("children")));
            }
        }
        var pids = children.toString().strip().split(" +");
        assertEquals(1, pids.length, "children of the daemon: " + children);
        return Integer.parseInt(pids[0]);
    }

    private static boolean await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Connects to {@code port} once the spawner of nobody is ready: the first program, of
     * {@code first}, went through setpriv while it started.
     */
    private static java.net.Socket awaitSpawner(Launched jinetd, int first, int port) throws Exception {
        jinetd.awaitErr("ready:");
        assertEquals("hello\n", Clients.exchange(first, ""));
        jinetd.awaitErr("spawner of nobody (pid ");
        jinetd.awaitErr("): ready after ");
        return Clients.connect(port);
    }
}
