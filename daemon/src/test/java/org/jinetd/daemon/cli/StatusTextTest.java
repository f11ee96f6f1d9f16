package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.control.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jinetd status} prints what clients and handlers chose (a unix client's socket path,
 * a handler's error) escaped, as {@code --json} does: no escape sequence, carriage return or
 * bell of theirs reaches root's terminal.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusTextTest {
    @TempDir
    Path dir;

    private final Supervised run = new Supervised();

    @Test
    void aClientsSocketPathAndAHandlersErrorAreShownEscaped() throws Exception {
        var control = dir.resolve("run/control.sock");
        var file = dir.resolve("services.yaml");
        Files.writeString(file, """
                control_socket: %s
                shutdown_grace: 200ms
                services:
                  held: {protocol: unix, path: %s, handler: misbehaving, options: {how: hang}}
                  forge: {protocol: unix, path: %s, handler: misbehaving, options: {how: forge}}
                """.formatted(control, dir.resolve("held.sock"), dir.resolve("forge.sock")));
        var running = run.start(file);
        try {
            run.await(l -> l.startsWith("control: listening on "));
            // A client names its own socket: an escape sequence that sets the terminal's title, a CR, a bell.
            var hostile = dir.resolve("c\u001b]0;owned\u0007\rx.sock");
            try (var client = SocketChannel.open(StandardProtocolFamily.UNIX);
                 var failing = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.bind(UnixDomainSocketAddress.of(hostile));
                client.connect(UnixDomainSocketAddress.of(dir.resolve("held.sock")));
                failing.bind(UnixDomainSocketAddress.of(dir.resolve("f\u001b[2J\u0007.sock")));
                failing.connect(UnixDomainSocketAddress.of(dir.resolve("forge.sock")));
                run.await(l -> l.startsWith("service=forge "));
                awaitLive(control);

                var table = Cli.run("status", "--socket", control.toString());
                assertEquals(0, table.code(), table.err());
                assertNoControlCharacter(table.out());
                assertTrue(table.out().contains("java.lang.NumberFormatException: For input string: "
                        + "\"x\\x1b[2J\\r\\x07\\nWARN service=x peer=1.2.3.4 refused=only_from\""), table.out());

                var one = Cli.run("status", "held", "--socket", control.toString());
                assertEquals(0, one.code(), one.err());
                assertNoControlCharacter(one.out());
                assertTrue(one.out().contains(dir + "/c\\x1b]0;owned\\x07\\rx.sock  "), one.out());

                var json = Cli.run("status", "held", "--json", "--socket", control.toString());
                assertNoControlCharacter(json.out());
                var report = new ObjectMapper().readTree(json.out());
                assertEquals(hostile.toString(), report.get("connections").get(0).get("peer").asText());
            }
        } finally {
            run.signals.request(new Signals.Request.Stop("SIGTERM"));
            running.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void statusShowsTheProgramsRunningEachSpawnerAndAWaitServicesProgramAsLive() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("user.name").equals("root"),
                "a spawner of another user needs a root daemon");
        var control = dir.resolve("run/control.sock");
        var file = dir.resolve("services.yaml");
        int held = org.jinetd.daemon.TestDaemon.freePort();
        int waiting = org.jinetd.daemon.TestDaemon.freePort();
        int hello = org.jinetd.daemon.TestDaemon.freePort();
        Files.writeString(file, """
                control_socket: %s
                shutdown_grace: 200ms
                services:
                  held: {bind: 127.0.0.1, port: %d, user: nobody, exec: [/bin/sh, -c, 'echo ready; exec sleep 60']}
                  waiting: {bind: 127.0.0.1, port: %d, user: nobody, wait: true, exec: [/bin/sleep, '60']}
                  hello: {bind: 127.0.0.1, port: %d, user: nobody, exec: [/bin/echo, hello]}
                """.formatted(control, held, waiting, hello));
        var running = run.start(file);
        try {
            run.await(l -> l.startsWith("control: listening on "));
            // The first program of nobody goes through setpriv while nobody's spawner starts; the two after it are the spawner's.
            assertEquals("hello\n", org.jinetd.daemon.Clients.exchange(hello, ""));
            run.await(l -> l.startsWith("spawner of nobody (pid ") && l.contains("): ready after "));
            statusOfTwoPrograms(control, held, waiting);
        } finally {
            run.signals.request(new Signals.Request.Stop("SIGTERM"));
            running.get(30, TimeUnit.SECONDS);
        }
    }

    private void statusOfTwoPrograms(Path control, int held, int waiting) throws Exception {
        try (var one = new java.net.Socket("127.0.0.1", held); var two = new java.net.Socket("127.0.0.1", waiting)) {
            assertEquals('r', one.getInputStream().read(), "the held program runs");
            // The wait-mode program starts once its socket has a client, which it never accepts.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Cli status;
            do {
                status = Cli.run("status", "--socket", control.toString());
                assertEquals(0, status.code(), status.err());
                assertTrue(System.nanoTime() < deadline, "two programs never ran: " + status.out());
                synchronized (run.lines) {
                    run.lines.wait(100);
                }
            } while (!status.out().contains(", 2 programs running,") || status.out().lines()
                    .noneMatch(l -> l.matches("waiting +tcp +127\\.0\\.0\\.1:\\d+ +listening +1 .*")));
            var out = status.out().lines().toList();
            assertTrue(out.stream().anyMatch(l -> l.matches("waiting +tcp +127\\.0\\.0\\.1:\\d+ +listening +1 .*")), status.out());
            assertTrue(out.stream().anyMatch(l -> l.matches("held +tcp +127\\.0\\.0\\.1:\\d+ +listening +1 .*")), status.out());
            assertTrue(out.contains("") && out.stream().anyMatch(l -> l.matches("SPAWNER OF +PID +STATE +PROGRAMS +AGE")),
                    status.out());
            assertTrue(out.stream().anyMatch(l -> l.matches("nobody +\\d+ +ready +2 +\\d+\\.\\ds")), status.out());
            var metrics = Cli.run("status", "--prometheus", "--socket", control.toString()).out();
            assertTrue(metrics.contains("\njinetd_programs 2\n"), metrics);
            assertTrue(metrics.matches("(?s).*\njinetd_spawner_programs\\{user=\"nobody\",pid=\"\\d+\"} 2\n.*"), metrics);
        }
    }

    private static void assertNoControlCharacter(String out) {
        assertTrue(out.chars().noneMatch(c -> c < ' ' && c != '\n' || c >= 0x7f && c < 0xa0), out);
    }

    /** Waits until status lists the held connection: it is live once its handler runs. */
    private void awaitLive(Path control) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            var one = Cli.run("status", "held", "--json", "--socket", control.toString());
            if (one.out().contains("\"peer\"")) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the held connection is not live: " + one.out() + one.err());
            // Asked again at once would be a busy loop: wait for the log to change or a tenth of a second.
            synchronized (run.lines) {
                run.lines.wait(100);
            }
        }
    }
}
