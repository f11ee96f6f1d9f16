package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Programs on pipes ({@code io: bridge}): bytes both ways, half-close, environment, stderr, exit. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeTest {
    @Test
    void copiesBothWaysAndPassesTheClientsEofToTheProgram() throws Exception {
        try (var d = TestDaemon.start("services: {cat: {bind: 127.0.0.1, io: bridge, exec: [/bin/cat]}}")) {
            var big = "x".repeat(300_000) + "\n";
            assertEquals(big, Clients.exchange(d.port("cat"), big));
            var line = d.awaitLog("service=cat ");
            assertTrue(line.matches("service=cat peer=127\\.0\\.0\\.1:\\d+ pid=\\d+ exit=0 duration=\\S+"), line);
        }
    }

    @Test
    void theProgramsEofHalfClosesTheConnectionWhileTheClientCanStillWrite() throws Exception {
        var script = "echo first; exec >&-; read -r later; echo \"got $later\" >&2";
        try (var d = TestDaemon.start("services: {half: {bind: 127.0.0.1, io: bridge, exec: [/bin/sh, -c, '"
                + script + "']}}");
             var socket = Clients.connect(d.port("half"))) {
            var in = socket.getInputStream();
            assertEquals("first\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            socket.getOutputStream().write("later\n".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            assertTrue(d.awaitLog("stderr=").matches("service=half pid=\\d+ stderr=\"got later\""));
        }
    }

    @Test
    void theEnvironmentIsExactlyTheConnectionsTheAccountsAndTheServicesOwn() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  env:
                    bind: 127.0.0.1
                    io: bridge
                    exec: [/usr/bin/env]
                    env: {GREETING: hello there, LEVEL: 3}
                """)) {
            var out = Clients.exchange(d.port("env"), "");
            var vars = Arrays.stream(out.split("\n")).collect(Collectors.toMap(
                    l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
            assertEquals(new TreeSet<>(Set.of("PROTO", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP", "TCPLOCALPORT",
                    "REMOTE_ADDR", "REMOTE_PORT", "REMOTE_HOST", "JINETD_SERVICE", "PATH", "HOME", "USER", "LOGNAME", "SHELL",
                    "GREETING", "LEVEL")), new TreeSet<>(vars.keySet()));
            assertEquals("TCP", vars.get("PROTO"));
            assertEquals("127.0.0.1", vars.get("TCPREMOTEIP"));
            assertEquals("127.0.0.1", vars.get("REMOTE_ADDR"));
            assertEquals("127.0.0.1", vars.get("REMOTE_HOST"));
            assertEquals(Integer.toString(d.port("env")), vars.get("TCPLOCALPORT"));
            assertEquals("env", vars.get("JINETD_SERVICE"));
            assertEquals("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", vars.get("PATH"));
            // A root daemon runs a program without 'user:' as nobody; any other runs it as itself.
            var user = System.getProperty("user.name").equals("root") ? "nobody" : System.getProperty("user.name");
            assertEquals(user, vars.get("USER"));
            assertEquals(user, vars.get("LOGNAME"));
            assertEquals("hello there", vars.get("GREETING"));
            assertEquals("3", vars.get("LEVEL"));
        }
    }

    @Test
    void stderrGoesToTheLogWithServiceAndPidNeverToTheClient() throws Exception {
        try (var d = TestDaemon.start("services: {noisy: {bind: 127.0.0.1, io: bridge, exec: [/bin/sh, -c, "
                + "'echo secret one >&2; echo secret two >&2']}}")) {
            assertEquals("", Clients.exchange(d.port("noisy"), ""));
            var first = d.awaitLog("stderr=\"secret one\"");
            d.awaitLog("stderr=\"secret two\"");
            var pid = first.replaceAll(".* pid=(\\d+) .*", "$1");
            assertTrue(d.awaitLog("service=noisy peer=").contains(" pid=" + pid + " "));
        }
    }

    @Test
    void stderrSocketSendsItToTheClientAsXinetdDoes() throws Exception {
        try (var d = TestDaemon.start("services: {noisy: {bind: 127.0.0.1, io: bridge, stderr: socket, "
                + "exec: [/bin/sh, -c, 'echo to-client >&2']}}")) {
            assertEquals("to-client\n", Clients.exchange(d.port("noisy"), ""));
        }
    }

    @Test
    void logsExitStatusAndSignal() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  three: {bind: 127.0.0.1, io: bridge, exec: [/bin/sh, -c, 'exit 3']}
                  killed: {bind: 127.0.0.1, io: bridge, exec: [/bin/sh, -c, 'kill -TERM $$']}
                  high: {bind: 127.0.0.1, io: bridge, exec: [/bin/sh, -c, 'exit 130']}
                """)) {
            Clients.exchange(d.port("three"), "");
            Clients.exchange(d.port("killed"), "");
            Clients.exchange(d.port("high"), "");
            assertTrue(d.awaitLog("service=three ").contains(" exit=3 "));
            assertTrue(d.awaitLog("service=killed ").contains(" signal=TERM "));
            // Reaped natively, an exit status of 130 is a status, not SIGINT as the JDK would say.
            assertTrue(d.awaitLog("service=high ").contains(" exit=130 "));
        }
    }

    @Test
    void aProgramThatCannotStartClosesTheClientAndSaysWhy() throws Exception {
        var program = Files.createTempFile("jinetd-gone", ".sh");
        Files.writeString(program, "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var d = TestDaemon.start("services: {gone: {bind: 127.0.0.1, io: bridge, exec: [" + program + "]}}")) {
            Files.delete(program);
            assertEquals("", Clients.exchange(d.port("gone"), ""));
            // Started directly, the spawn fails; behind setpriv (a root daemon), setpriv's exec does.
            var line = d.awaitLog("service=gone peer=");
            assertTrue(line.contains("error=\"spawn failed:") || line.contains(" exit=127 "), line);
        }
    }
}
