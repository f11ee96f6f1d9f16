package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables written to hurt the running daemon: each reload is refused with its problem and an
 * exit status of 1, the old table goes on serving, and the daemon still stops cleanly.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HostileReloadIT {
    @TempDir
    Path dir;

    private static Launched.Ended jinetd(String... args) throws Exception {
        return Launched.run(args);
    }

    @Test
    void aHostileTableNeverEndsOrWedgesTheDaemon() throws Exception {
        int echo = TestDaemon.freePort();
        var socket = dir.resolve("control.sock");
        var table = dir.resolve("services.yaml");
        var fifo = dir.resolve("banner.fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        var good = """
                control_socket: %s
                services:
                  echo: {bind: 127.0.0.1, port: %d, handler: echo}
                """.formatted(socket, echo);
        Files.writeString(table, good);
        var hostile = List.of(
                // A NUL in a path: it used to end the daemon with an exception.
                "  cat: {bind: 127.0.0.1, port: 0, exec: [/bin/cat], cwd: \"/srv/a\\0b\"}\n",
                // A banner with no end: it used to run the daemon out of memory.
                "  zero: {bind: 127.0.0.1, port: 0, handler: echo, banner: {file: /dev/zero}}\n",
                // A banner no one writes: it used to block the daemon, SIGTERM unheard.
                "  fifo: {bind: 127.0.0.1, port: 0, handler: echo, banner: {file: %s}}\n".formatted(fifo),
                "include: [%s]\n".formatted(fifo));
        try (var daemon = Launched.start("run", "-c", table.toString())) {
            daemon.awaitErr("control: listening on " + socket);
            for (var extra : hostile) {
                Files.writeString(table, extra.startsWith("include") ? extra + good : good + extra);
                var reload = jinetd("reload", "-c", table.toString());
                assertEquals(1, reload.code(), extra + reload.err());
                assertTrue(reload.err().contains("still serving the table loaded before"), reload.err());
                assertEquals("hi\n", Clients.exchange(echo, "hi\n"), "still served after " + extra);
                // check and run say the same, at the same place, and exit 1 too.
                var problem = reload.err().lines().findFirst().orElseThrow();
                assertTrue(problem.matches("/\\S+:\\d+:\\d+: .*"), problem);
                var check = jinetd("check", "-c", table.toString());
                assertEquals(1, check.code(), check.err());
                assertEquals(problem, check.err().lines().findFirst().orElseThrow());
                var run = jinetd("run", "-c", table.toString());
                assertEquals(1, run.code(), run.err());
                assertEquals(problem, run.err().lines().findFirst().orElseThrow());
            }
            Files.writeString(table, good);
            daemon.signal("TERM");
            assertEquals(0, daemon.exit(), daemon.err());
        }
    }
}
