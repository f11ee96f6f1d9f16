package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** timeout_idle, timeout_max and kill_grace; the redirect launch. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeoutsTest {
    @Test
    void anIdleHandlerConnectionIsEndedWithReasonTimeout() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo, timeout_idle: 300ms}}");
             var silent = Clients.connect(d.port("echo"))) {
            silent.getOutputStream().write("a".getBytes());
            assertEquals('a', silent.getInputStream().read());
            assertEquals(-1, silent.getInputStream().read());
            assertTrue(d.awaitLog("service=echo ").contains(" reason=timeout "));
        }
    }

    /**
     * timeout_idle counts from the last byte, not from the start: a client that speaks every
     * 200 ms outlives three of its 1.5 s limits, then is ended once it falls silent.
     */
    @Test
    void aClientThatKeepsTalkingOutlivesTimeoutIdleAndIsEndedOnceSilent() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo, timeout_idle: 1500ms}}");
             var talker = Clients.connect(d.port("echo"))) {
            long started = System.nanoTime();
            long heard = 0;
            while (System.nanoTime() - started < Duration.ofMillis(4500).toNanos()) {
                talker.getOutputStream().write('a');
                assertEquals('a', talker.getInputStream().read(), "echoed after " + heard + " bytes");
                heard++;
                // The client's pace, not a wait for the daemon: each echo above is awaited.
                Thread.sleep(200);
            }
            assertEquals(-1, talker.getInputStream().read());
            var line = d.awaitLog("service=echo ");
            assertTrue(line.contains(" reason=timeout "), line);
            assertTrue(System.nanoTime() - started >= Duration.ofMillis(4500).toNanos() + Duration.ofMillis(1500).toNanos()
                    - Duration.ofMillis(250).toNanos(), "ended before it fell silent for 1.5 s: " + line);
        }
    }

    @Test
    void anIdleBridgedProgramIsEnded() throws Exception {
        try (var d = TestDaemon.start("services: {cat: {bind: 127.0.0.1, io: bridge, exec: [/bin/cat], "
                + "timeout_idle: 300ms}}");
             var silent = Clients.connect(d.port("cat"))) {
            assertEquals(-1, silent.getInputStream().read());
            var line = d.awaitLog("service=cat peer=");
            assertTrue(line.contains(" reason=timeout ") && line.contains(" signal=TERM "), line);
        }
    }

    /**
     * A bridged program that leaves a process behind in a session of its own, holding its
     * output open: at timeout_max the connection ends all the same, with its line, and gives
     * back its place.
     */
    @Test
    void aBridgedProgramsLeftoverHoldingItsOutputDoesNotHoldTheConnection() throws Exception {
        try (var d = TestDaemon.start("services: {left: {bind: 127.0.0.1, io: bridge, user: root, timeout_max: 1s, "
                + "exec: [/bin/sh, -c, 'setsid sleep 60 & echo $!']}}");
             var client = Clients.connect(d.port("left"))) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream()));
            long leftover = Long.parseLong(in.readLine().trim());
            try {
                assertEquals(null, in.readLine());
                var line = d.awaitLog("service=left ");
                assertTrue(line.contains(" reason=timeout "), line);
                assertTrue(d.awaitIdle(Duration.ofSeconds(20)), d.log().toString());
            } finally {
                ProcessHandle.of(leftover).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void aProgramPastItsLifetimeGetsSigtermThenSigkill() throws Exception {
        // The stubborn program's lifetime is long enough for its shell to ignore SIGTERM first,
        // which it says before its clock runs out, even on a loaded machine.
        try (var d = TestDaemon.start("""
                services:
                  polite: {bind: 127.0.0.1, timeout_max: 300ms, exec: [/bin/sleep, '60']}
                  stubborn: {bind: 127.0.0.1, timeout_max: 3s, kill_grace: 300ms,
                             exec: [/bin/sh, -c, 'trap "" TERM; echo ready; while :; do sleep 1; done']}
                """);
             var first = Clients.connect(d.port("polite")); var second = Clients.connect(d.port("stubborn"))) {
            long connected = System.nanoTime();
            assertEquals(-1, first.getInputStream().read());
            var polite = d.awaitLog("service=polite peer=");
            assertTrue(polite.contains(" signal=TERM reason=timeout "), polite);
            assertEquals("ready\n", new String(second.getInputStream().readNBytes(6), java.nio.charset.StandardCharsets.US_ASCII));
            assertTrue(System.nanoTime() - connected < java.util.concurrent.TimeUnit.SECONDS.toNanos(3),
                    "the shell took longer than its lifetime to start");
            var stubborn = d.awaitLog("service=stubborn peer=");
            assertTrue(stubborn.contains(" signal=KILL reason=timeout "), stubborn);
        }
    }

    @Test
    void aTimeoutEndsTheProgramsWholeGroupAndItsClient() throws Exception {
        try (var d = TestDaemon.start("services:\n"
                + ProgramStartTest.asBoth("pipeline", "timeout_max: 3s, exec: [/bin/sh, -c, 'echo ready; sleep 30 | cat']")
                // A grace long enough that the test sees the grandchild still there on a loaded machine.
                + ProgramStartTest.asBoth("stubborn", "timeout_max: 3s, kill_grace: 5s, "
                        + "exec: [/bin/sh, -c, '(trap \"\" TERM; echo ready; exec sleep 30) & wait']"))) {
            for (var service : ProgramStartTest.both("pipeline")) {
                try (var client = Clients.connect(d.port(service))) {
                    var in = client.getInputStream();
                    assertEquals("ready\n", new String(in.readNBytes(6), java.nio.charset.StandardCharsets.US_ASCII));
                    assertEquals(-1, in.read());
                    int pid = pid(d.awaitLog("service=" + service + " peer="));
                    assertTrue(awaitNoGroup(pid), "sleep and cat of group " + pid + " outlived the timeout");
                }
            }
            for (var service : ProgramStartTest.both("stubborn")) {
                long t0 = System.nanoTime();
                try (var client = Clients.connect(d.port(service))) {
                    var in = client.getInputStream();
                    assertEquals("ready\n", new String(in.readNBytes(6), java.nio.charset.StandardCharsets.US_ASCII));
                    // The client is cut off at the timeout, though a grandchild that ignores SIGTERM still holds the socket.
                    assertEquals(-1, in.read());
                    long cutAfter = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(cutAfter < 7_000, "the client of " + service + " was let go " + cutAfter
                            + " ms after connecting: at kill_grace (8 s), not at timeout_max (3 s)");
                    int pid = pid(d.awaitLog("service=" + service + " peer="));
                    assertTrue(!group(pid).isEmpty(), "the grandchild that ignores SIGTERM is there until kill_grace ("
                            + service + ", " + (System.nanoTime() - t0) / 1_000_000 + " ms after connecting): " + d.log());
                    assertTrue(awaitNoGroup(pid), "the grandchild got no SIGKILL after kill_grace");
                }
            }
        }
    }

    @Test
    void aTimeoutEndsAHelperThatTheProgramMovedIntoAGroupOfItsOwn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/perl")),
                "perl (Debian's perl-base) is not here");
        // The helper leads a group of its own (set by both, so before either says its pid) and ignores SIGTERM.
        var split = "'my $c = fork; if ($c == 0) { setpgrp(0, 0); $SIG{TERM} = \"IGNORE\"; $| = 1; print \"helper $$\\n\"; "
                + "sleep 600; exit } setpgrp($c, $c); $| = 1; print \"program $$\\n\"; sleep 600'";
        try (var d = TestDaemon.start("services:\n" + ProgramStartTest.asBoth("split",
                "timeout_max: 2s, kill_grace: 1s, exec: [/usr/bin/perl, -e, " + split + "]"))) {
            for (var service : ProgramStartTest.both("split")) {
                try (var client = Clients.connect(d.port(service))) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                            java.nio.charset.StandardCharsets.US_ASCII));
                    var pids = new java.util.HashMap<String, Integer>();
                    for (int i = 0; i < 2; i++) {
                        var said = in.readLine().split(" ");
                        pids.put(said[0], Integer.parseInt(said[1]));
                    }
                    int program = pids.get("program");
                    int helper = pids.get("helper");
                    assertTrue(group(program).stream().noneMatch(p -> p == helper), "the helper leads a group of its own");
                    var line = d.awaitLog("service=" + service + " peer=");
                    assertTrue(line.contains(" reason=timeout "), line);
                    assertTrue(awaitNoGroup(program), service + ": the program outlived its timeout");
                    assertTrue(awaitNoGroup(helper), service + ": its helper in a group of its own outlived the timeout");
                }
            }
        }
    }

    private static int pid(String line) {
        return Integer.parseInt(line.replaceAll(".* pid=(\\d+) .*", "$1"));
    }

    /** The processes of process group {@code pgid} now, from /proc. */
    static java.util.List<Long> group(int pgid) throws java.io.IOException {
        var found = new java.util.ArrayList<Long>();
        try (var all = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (var dir : (Iterable<java.nio.file.Path>) all::iterator) {
                if (!dir.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try {
                    var stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    // pid (comm) state ppid pgrp session ...: comm may hold spaces, so count from its ')'.
                    var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Integer.parseInt(fields[2]) == pgid && !fields[0].equals("Z")) {
                        found.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // It ended while we looked.
                }
            }
        }
        return found;
    }

    static boolean awaitNoGroup(int pgid) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!group(pgid).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        return true;
    }

    @Test
    void aRedirectForwardsBothWaysWithHalfClose() throws Exception {
        try (var target = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo}}");
             var d = TestDaemon.start("services: {fwd: {bind: 127.0.0.1, redirect: '127.0.0.1:%d'}}"
                     .formatted(target.port("echo")))) {
            var big = "y".repeat(200_000);
            assertEquals(big, Clients.exchange(d.port("fwd"), big));
            assertTrue(d.awaitLog("service=fwd ").matches("service=fwd peer=127\\.0\\.0\\.1:\\d+ duration=\\S+"));
        }
    }

    /**
     * A target that takes the connection and then neither reads nor speaks: a client that
     * floods it, and one that asks and half-closes, each end at timeout_max with their line,
     * and give back their place (instances: 1), the target's side closed with them.
     */
    @Test
    void aRedirectToATargetThatNeitherReadsNorSpeaksEndsAtItsTimeout() throws Exception {
        try (var target = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             var d = TestDaemon.start("services: {fwd: {bind: 127.0.0.1, instances: 1, timeout_max: 1s, "
                     + "redirect: '127.0.0.1:%d'}}".formatted(target.getLocalPort()))) {
            var held = new java.util.ArrayList<java.net.Socket>();
            try {
                // Flooding: the target's buffers and ours fill, and the copy to it blocks.
                try (var flood = Clients.connect(d.port("fwd"))) {
                    held.add(target.accept());
                    var chunk = new byte[64 * 1024];
                    try {
                        for (int i = 0; i < 1024; i++) {
                            flood.getOutputStream().write(chunk);
                        }
                    } catch (java.net.SocketException e) {
                        // Closed at timeout_max while it wrote.
                    }
                    var line = d.awaitLog("service=fwd ");
                    assertTrue(line.contains(" reason=timeout "), line);
                }
                assertTrue(d.awaitIdle(Duration.ofSeconds(20)), d.log().toString());
                assertEquals(-1, readUntilEnd(held.getFirst()), "the target's side is closed too");
                // Asking, then half-closing: the copy from the target waits for an answer that never comes.
                try (var asking = Clients.connect(d.port("fwd"))) {
                    held.add(target.accept());
                    asking.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
                    asking.shutdownOutput();
                    assertEquals(-1, asking.getInputStream().read());
                    assertTrue(d.awaitLogs(lines -> lines.stream().filter(l -> l.startsWith("service=fwd ")
                            && l.contains(" reason=timeout ")).count() == 2), d.log().toString());
                }
                assertTrue(d.awaitIdle(Duration.ofSeconds(20)), d.log().toString());
                assertEquals(-1, readUntilEnd(held.get(1)), "the target's side is closed too");
            } finally {
                for (var socket : held) {
                    socket.close();
                }
            }
        }
    }

    /** What is left to read from {@code socket}, then its end (-1). */
    private static int readUntilEnd(java.net.Socket socket) throws java.io.IOException {
        socket.setSoTimeout(20_000);
        var in = socket.getInputStream();
        var skip = new byte[64 * 1024];
        int n;
        while ((n = in.read(skip)) > 0) {
            // the client's bytes, read by no one before
        }
        return n;
    }

    /** A target that resets the connection: the client is reset too, and the line says so. */
    @Test
    void aRedirectWhoseTargetResetsResetsTheClientAndSaysSo() throws Exception {
        try (var target = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             var d = TestDaemon.start("services: {fwd: {bind: 127.0.0.1, redirect: '127.0.0.1:%d'}}"
                     .formatted(target.getLocalPort()));
             var client = Clients.connect(d.port("fwd"))) {
            try (var accepted = target.accept()) {
                accepted.getOutputStream().write("partial".getBytes());
                accepted.setSoLinger(true, 0);
            }
            var got = new java.io.ByteArrayOutputStream();
            var in = client.getInputStream();
            var reset = false;
            try {
                int b;
                while ((b = in.read()) >= 0) {
                    got.write(b);
                }
            } catch (java.net.SocketException e) {
                reset = e.getMessage().equals("Connection reset");
            }
            assertTrue(reset, "the client read " + got + " and an orderly end: " + d.awaitLog("service=fwd "));
            var line = d.awaitLog("service=fwd ");
            assertTrue(line.contains("error=\"redirect to 127.0.0.1:" + target.getLocalPort() + ": Connection reset"),
                    line);
        }
    }

    @Test
    void aRedirectWhoseTargetRefusesClosesTheClientAndSaysSo() throws Exception {
        int closed;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        try (var d = TestDaemon.start("services: {fwd: {bind: 127.0.0.1, redirect: '127.0.0.1:%d'}}".formatted(closed))) {
            assertEquals("", Clients.exchange(d.port("fwd"), ""));
            var line = d.awaitLog("service=fwd ");
            assertTrue(line.contains("error=\"redirect to 127.0.0.1:" + closed + ": Connection refused\""), line);
        }
    }

    @Test
    void aRedirectWhoseTargetNeverAnswersGivesBackItsPlaceAtConnectTimeout() throws Exception {
        try (var target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var filling = fillAcceptQueue(target);
            try (var d = TestDaemon.start("""
                    services:
                      fwd: {bind: 127.0.0.1, instances: 1, connect_timeout: 500ms, redirect: '127.0.0.1:%1$d'}
                      capped: {bind: 127.0.0.1, timeout_max: 300ms, redirect: '127.0.0.1:%1$d'}
                    """.formatted(target.getLocalPort()))) {
                assertEquals("", Clients.exchange(d.port("fwd"), ""));
                var line = d.awaitLog("service=fwd ");
                assertTrue(line.contains("error=\"redirect to 127.0.0.1:" + target.getLocalPort()
                        + ": no answer within 500ms\""), line);
                // The place came back: the next client is taken, not refused for instances.
                assertEquals("", Clients.exchange(d.port("fwd"), ""));
                assertTrue(d.awaitLogs(lines -> lines.stream().filter(l -> l.startsWith("service=fwd ")
                        && l.contains("no answer within")).count() == 2), d.log().toString());
                // timeout_max is the longest a connection lasts, its handshake included.
                assertEquals("", Clients.exchange(d.port("capped"), ""));
                var capped = d.awaitLog("service=capped ");
                assertTrue(capped.matches(".*no answer within \\d+ms.*"), capped);
            } finally {
                for (var socket : filling) {
                    socket.close();
                }
            }
        }
    }

    /**
     * Connections to {@code server}, never accepted, until its accept queue is full: from then
     * on the kernel drops a new client's SYN, and the client waits for an answer that never comes.
     */
    private static java.util.List<java.net.Socket> fillAcceptQueue(ServerSocket server) throws Exception {
        var filling = new java.util.ArrayList<java.net.Socket>();
        for (int i = 0; i < 64; i++) {
            var socket = new java.net.Socket();
            try {
                socket.connect(server.getLocalSocketAddress(), 200);
                filling.add(socket);
            } catch (java.net.SocketTimeoutException full) {
                socket.close();
                return filling;
            }
        }
        throw new AssertionError("the accept queue of a backlog of 1 never filled");
    }

    @Test
    void aRedirectWaitsTenSecondsForItsTargetByDefaultAndNeverPastTimeoutMax() throws Exception {
        var table = ((org.jinetd.daemon.config.Loaded.Ok) org.jinetd.daemon.config.Config.load(TestDaemon.write("""
                services:
                  plain: {port: 7000, redirect: '127.0.0.1:7'}
                  short: {port: 7001, redirect: '127.0.0.1:7', timeout_max: 3s}
                """))).table();
        var plain = table.services().get(0).timeouts();
        var shortLived = table.services().get(1).timeouts();
        assertEquals(Duration.ofSeconds(10), plain.connectWithin(Duration.ZERO));
        assertEquals(Duration.ofSeconds(3), shortLived.connectWithin(Duration.ZERO));
        assertEquals(Duration.ofSeconds(1), shortLived.connectWithin(Duration.ofSeconds(2)));
    }

    @Test
    void connectTimeoutOnAServiceThatForwardsNothingIsAProblem() throws Exception {
        var problems = org.jinetd.daemon.config.Config.load(TestDaemon.write(
                "services: {echo: {port: 7, handler: echo, connect_timeout: 1s}}"));
        assertTrue(problems.toString().contains("'connect_timeout' applies to 'redirect:' services only"),
                problems.toString());
    }

    @Test
    void anIdleRedirectIsEnded() throws Exception {
        try (var target = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo}}");
             var d = TestDaemon.start("services: {fwd: {bind: 127.0.0.1, timeout_idle: 300ms, redirect: '127.0.0.1:%d'}}"
                     .formatted(target.port("echo")));
             var silent = Clients.connect(d.port("fwd"))) {
            assertEquals(-1, silent.getInputStream().read());
            assertTrue(d.awaitLog("service=fwd ").contains(" reason=timeout "));
        }
    }
}
