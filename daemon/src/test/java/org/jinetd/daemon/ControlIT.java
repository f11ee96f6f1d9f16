package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.SocketCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** jinetd status, reload and stop over the control socket; sd_notify to a socket of the test's. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ControlIT {
    @TempDir
    Path dir;

    private Launched.Ended jinetd(String... args) throws Exception {
        return Launched.run(args);
    }

    @Test
    void statusReloadAndStopOverTheControlSocket() throws Exception {
        int echo = TestDaemon.freePort();
        int hold = TestDaemon.freePort();
        var socket = dir.resolve("run/control.sock");
        var table = dir.resolve("services.yaml");
        var good = """
                control_socket: %s
                services:
                  echo: {bind: 127.0.0.1, port: %d, handler: echo, only_from: [10.0.0.0/8]}
                  hold: {bind: 127.0.0.1, port: %d, exec: [/bin/sh, -c, 'read -r x; echo "$x"']}
                """.formatted(socket, echo, hold);
        Files.writeString(table, good);
        try (var daemon = Launched.start("run", "-c", table.toString())) {
            daemon.awaitErr("control: listening on " + socket);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals("", Clients.exchange(echo, ""));
            daemon.awaitErr("refused=only_from");
            try (var held = Clients.connect(hold)) {
                var status = statusUntil(table, "hold", "1");
                assertTrue(status.out().contains("echo     tcp       127.0.0.1:%d  listening  0     ".formatted(echo)),
                        status.out());
                assertTrue(status.out().contains("only_from=1"), status.out());
                assertTrue(status.out().lines().anyMatch(l -> l.matches("open files \\d+ of (\\d+|unlimited)( \\(.*\\))?")),
                        status.out());
                var one = jinetd("status", "hold", "-c", table.toString());
                assertTrue(one.out().lines().anyMatch(l -> l.matches("127\\.0\\.0\\.1:" + held.getLocalPort()
                        + " +\\d+ +\\d+\\.\\ds")), one.out());
                var json = new ObjectMapper().readTree(jinetd("status", "--json", "-c", table.toString()).out());
                assertEquals(2, json.get("services").size());
                assertEquals("echo", json.get("services").get(0).get("name").asText());
                assertEquals(1, json.get("services").get(0).get("refused").get("only_from").asInt());
                assertTrue(json.get("openFiles").get("open").asInt() > 3, json.toString());
                var metrics = jinetd("status", "--prometheus", "-c", table.toString()).out();
                assertTrue(metrics.contains("jinetd_refused_total{service=\"echo\",reason=\"only_from\"} 1"), metrics);
                held.getOutputStream().write("bye\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("bye\n", new String(held.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }

            Files.writeString(table, good.replace("port: %d, exec".formatted(hold), "port: 0, exec"));
            var bad = jinetd("reload", "-c", table.toString());
            assertEquals(1, bad.code(), bad.err());
            assertTrue(bad.err().startsWith(table + ":4:"), bad.err());
            assertTrue(bad.err().contains("still serving the table loaded before"), bad.err());
            var stale = jinetd("status", "-c", table.toString()).out();
            assertTrue(stale.lines().findFirst().orElseThrow().matches(
                    ".* table \\S+ loaded \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(changed since: 'jinetd reload' reads it\\)"),
                    stale);

            Files.writeString(table, good);
            var fine = jinetd("reload", "-c", table.toString());
            assertEquals(0, fine.code(), fine.err());
            assertEquals("reloaded " + table + ": 2 kept, 0 added, 0 removed, 0 failed\n", fine.out());
            var fresh = jinetd("status", "--prometheus", "-c", table.toString()).out();
            assertTrue(fresh.contains("\njinetd_table_changed 0\n"), fresh);

            var stop = jinetd("stop", "-c", table.toString());
            assertEquals(0, stop.code(), stop.err());
            assertEquals(0, daemon.exit());
            assertTrue(!Files.exists(socket), "the control socket is removed at stop");
        }
        var none = jinetd("status", "--socket", socket.toString());
        assertEquals(4, none.code());
        assertTrue(none.err().startsWith("jinetd: no jinetd answers on " + socket), none.err());
    }

    private Launched.Ended statusUntil(Path table, String service, String live) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            var status = jinetd("status", "-c", table.toString());
            if (status.out().lines().anyMatch(l -> l.startsWith(service + " ") && l.split(" +")[4].equals(live))
                    || System.nanoTime() > deadline) {
                return status;
            }
        }
    }

    @Test
    void stopReturnsOnceTheDaemonHasStoppedAndOnAnIdleOneAtOnce() throws Exception {
        int hold = TestDaemon.freePort();
        var socket = dir.resolve("control.sock");
        var table = dir.resolve("services.yaml");
        Files.writeString(table, """
                control_socket: %s
                shutdown_grace: 60s
                services:
                  hold: {bind: 127.0.0.1, port: %d, exec: [/bin/sh, -c, 'read -r x; echo "$x"']}
                """.formatted(socket, hold));
        try (var daemon = Launched.start("run", "-c", table.toString())) {
            daemon.awaitErr("control: listening on " + socket);
            try (var held = Clients.connect(hold)) {
                statusUntil(table, "hold", "1");
                try (var stop = Launched.start("stop", "-c", table.toString())) {
                    daemon.awaitErr("stop: not listening; 1 connection live");
                    assertTrue(stop.alive(), "stop returned while a connection was still draining: " + stop.out());
                    held.getOutputStream().write("bye\n".getBytes(StandardCharsets.UTF_8));
                    assertEquals("bye\n", new String(held.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    assertEquals(0, stop.exit(), stop.err());
                    assertEquals("stopped\n", stop.out());
                    assertTrue(exited(daemon.pid()), "stop returned while the daemon's process was still running");
                    assertTrue(daemon.err().contains("\nstopped") || daemon.err().contains(" stopped"), daemon.err());
                }
            }
            assertEquals(0, daemon.exit());
        }
        // An idle daemon stops at once, and the command still hears of it.
        try (var daemon = Launched.start("run", "-c", table.toString())) {
            daemon.awaitErr("control: listening on " + socket);
            var stop = jinetd("stop", "-c", table.toString());
            assertEquals(0, stop.code(), stop.err());
            assertEquals("stopped\n", stop.out());
            assertTrue(exited(daemon.pid()), "stop returned while the daemon's process was still running");
            assertEquals(0, daemon.exit());
        }
    }

    /** Whether process {@code pid} has exited: gone, or a zombie its parent (this JVM) has yet to reap. */
    private static boolean exited(long pid) {
        try {
            var stat = Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException gone) {
            return true;
        }
    }

    @Test
    void onlyTheDaemonsUserOrRootMayReloadOrStop() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("user.name").equals("root"),
                "needs root to be another user");
        var socket = dir.resolve("control.sock");
        var table = TestDaemon.write("control_socket: %s\nservices: {echo: {bind: 127.0.0.1, handler: echo}}"
                .formatted(socket));
        Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var daemon = Launched.start("run", "-c", table.toString())) {
            daemon.awaitErr("control: listening on " + socket);
            // Opened to everyone on purpose: the uid check (SO_PEERCRED) is what is tested here.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            var asNobody = java.util.List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");
            try (var reload = Launched.under(asNobody, Map.of(), "reload", "--socket", socket.toString())) {
                assertEquals(77, reload.exit(), reload.err());
                assertTrue(reload.err().contains("only the daemon's user or root may reload"), reload.err());
            }
            try (var stop = Launched.under(asNobody, Map.of(), "stop", "--socket", socket.toString())) {
                assertEquals(77, stop.exit(), stop.err());
            }
            try (var status = Launched.under(asNobody, Map.of(), "status", "--socket", socket.toString())) {
                assertEquals(0, status.exit(), status.err());
                assertTrue(status.out().contains("echo "), status.out());
            }
            daemon.signal("TERM");
            assertEquals(0, daemon.exit());
        }
    }

    @Test
    void tellsSystemdWhatItIsDoing() throws Exception {
        var notify = dir.resolve("notify.sock").toString();
        int fd = SocketCalls.unixDatagramSocket();
        try {
            SocketCalls.bindUnix(fd, notify);
            var table = TestDaemon.write("control_socket: none\nservices: {echo: {bind: 127.0.0.1, handler: echo}}");
            try (var daemon = Launched.start(Map.of("NOTIFY_SOCKET", notify), "run", "-c", table.toString())) {
                var ready = receive(fd);
                assertTrue(ready.startsWith("READY=1\nSTATUS=1 service listening, 0 connections live\nMAINPID="), ready);
                assertEquals(daemon.pid(), Long.parseLong(ready.substring(ready.indexOf("MAINPID=") + 8).strip()));
                daemon.signal("HUP");
                var reloading = receive(fd);
                assertTrue(reloading.matches("RELOADING=1\nMONOTONIC_USEC=\\d+\nSTATUS=reloading"), reloading);
                assertTrue(receive(fd).startsWith("READY=1\n"));
                daemon.signal("TERM");
                assertEquals("STOPPING=1\nSTATUS=stopping", receive(fd));
                assertEquals(0, daemon.exit());
            }
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void abstractNotifySocketsWork() throws Exception {
        var name = "@jinetd-test-" + ProcessHandle.current().pid();
        int fd = SocketCalls.unixDatagramSocket();
        try {
            SocketCalls.bindUnix(fd, name);
            var table = TestDaemon.write("control_socket: none\nservices: {echo: {bind: 127.0.0.1, handler: echo}}");
            try (var daemon = Launched.start(Map.of("NOTIFY_SOCKET", name, "WATCHDOG_USEC", "200000"),
                    "run", "-c", table.toString())) {
                var seen = new ArrayList<String>();
                while (seen.stream().noneMatch(m -> m.equals("WATCHDOG=1")) || seen.stream().noneMatch(
                        m -> m.startsWith("READY=1"))) {
                    seen.add(receive(fd));
                }
                daemon.signal("TERM");
                assertEquals(0, daemon.exit());
            }
        } finally {
            Libc.close(fd);
        }
    }

    private static String receive(int fd) throws Libc.Failure {
        return new String(SocketCalls.receive(fd, 4096), StandardCharsets.UTF_8);
    }
}
