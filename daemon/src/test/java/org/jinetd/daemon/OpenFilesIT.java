package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs get the soft limit of open files the daemon was started with, not a raised one:
 * the daemon keeps that limit until its own descriptors come near it, raises it then, and
 * gives it back to its programs from there on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenFilesIT {
    @TempDir
    Path dir;

    @Test
    void aProgramGetsTheSoftLimitOfOpenFilesTheDaemonStartedWith() throws Exception {
        var control = dir.resolve("control.sock");
        var table = TestDaemon.write("""
                control_socket: %3$s
                services:
                  limit: {bind: 127.0.0.1, user: %1$s, exec: [/bin/sh, -c, 'ulimit -Sn; ulimit -Hn']}
                  own: {bind: 127.0.0.1, user: %1$s, rlimits: {nofile: 300}, exec: [/bin/sh, -c, 'ulimit -Sn']}
                  bridged: {bind: 127.0.0.1, user: %1$s, io: bridge, exec: [/bin/sh, -c, 'ulimit -Sn']}
                  other: {bind: 127.0.0.1, user: %2$s, exec: [/bin/sh, -c, 'ulimit -Sn; ulimit -Hn']}
                  hold: {bind: 127.0.0.1, handler: echo, instances: 300}
                """.formatted(System.getProperty("user.name"),
                // A root daemon's program of another user: its spawner sets the limit.
                System.getProperty("user.name").equals("root") ? "nobody" : System.getProperty("user.name"), control));
        // The hard limit stays where it is: the JVM raises its soft limit up to it.
        try (var jinetd = Launched.under(List.of("/usr/bin/prlimit", "--nofile=321:", "--"), Map.of(),
                "run", "-c", table.toString())) {
            jinetd.awaitErr("ready:");
            var yaml = new ObjectMapper(new YAMLFactory()).readTree(table.toFile()).path("services");
            var hard = new String(new ProcessBuilder("/bin/sh", "-c", "ulimit -Hn").start().getInputStream()
                    .readAllBytes()).strip();
            assertEquals("321\n" + hard + "\n", Clients.exchange(yaml.at("/limit/port").asInt(), ""));
            assertEquals("300\n", Clients.exchange(yaml.at("/own/port").asInt(), ""));
            assertEquals("321\n", Clients.exchange(yaml.at("/bridged/port").asInt(), ""));
            assertEquals("321\n" + hard + "\n", Clients.exchange(yaml.at("/other/port").asInt(), ""));
            if (System.getProperty("user.name").equals("root")) {
                // That one went through setpriv while nobody's spawner started; the next is the spawner's.
                jinetd.awaitErr("): ready after ");
                assertEquals("321\n" + hard + "\n", Clients.exchange(yaml.at("/other/port").asInt(), ""));
            }
            // The daemon itself still has the limit it started with: its programs got it with no wrapper.
            assertEquals("321", softLimit(jinetd.pid()));
            // Status shows it, and the number of descriptors at which it will be raised (321 less a quarter).
            var before = Launched.run("status", "--socket", control.toString());
            assertTrue(before.out().lines().anyMatch(l -> l.matches("open files \\d+ of 321 \\(to be raised to " + hard
                    + " at 241\\)")), before.out());

            // Clients that hold a quarter of it and more: the daemon raises its own, and only its own.
            var held = new ArrayList<Socket>();
            try {
                for (int i = 0; i < 260; i++) {
                    held.add(Clients.connect(yaml.at("/hold/port").asInt()));
                }
                jinetd.awaitErr("open files: the daemon's descriptors came near its soft limit of 321, raised to the "
                        + "hard one");
                assertEquals(hard, softLimit(jinetd.pid()));
                var after = Launched.run("status", "--socket", control.toString());
                assertTrue(after.out().lines().anyMatch(l -> l.matches("open files (\\d+) of " + hard
                        + " \\(raised from 321, which programs get\\)") && Integer.parseInt(l.split(" ")[2]) > 260),
                        after.out());
                var metrics = Launched.run("status", "--prometheus", "--socket", control.toString()).out();
                assertTrue(metrics.contains("\nprocess_max_fds " + hard + "\n"), metrics);
                // Every held client is served still.
                for (var socket : held) {
                    socket.getOutputStream().write('x');
                    assertEquals('x', socket.getInputStream().read());
                }
            } finally {
                for (var socket : held) {
                    socket.close();
                }
            }
            assertEquals("321\n" + hard + "\n", Clients.exchange(yaml.at("/limit/port").asInt(), ""));
            assertEquals("300\n", Clients.exchange(yaml.at("/own/port").asInt(), ""));
            assertEquals("321\n", Clients.exchange(yaml.at("/bridged/port").asInt(), ""));
            assertEquals("321\n" + hard + "\n", Clients.exchange(yaml.at("/other/port").asInt(), ""));
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
        }
    }

    /** The soft limit of open files of process {@code pid}, as /proc shows it. */
    private static String softLimit(long pid) throws java.io.IOException {
        for (var line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
            if (line.startsWith("Max open files")) {
                return line.substring(26).strip().split("\\s+")[0];
            }
        }
        throw new AssertionError("no open files in /proc/" + pid + "/limits");
    }
}
