package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A program started per datagram ({@code wait: false} on UDP) meets every limit a program of
 * a connection does: {@code timeout_max}, a stop and its service gone from the table end its
 * whole group, with its line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatagramProgramTest {
    /**
     * Forks a helper that leads a process group of its own (set by both, so before the pids are
     * said), says both pids, and both wait for ever.
     */
    private static final String SPLITS =
            "'my $c = fork; if ($c == 0) { setpgrp(0, 0); sleep 600; exit } setpgrp($c, $c); $| = 1; print \"$$ $c\\n\"; sleep 600'";
    /** Says where it runs, then waits for ever: only its end can end it. */
    private static final String LINGERS = "exec: [/bin/sh, -c, 'echo $$; exec sleep 600']";

    @Test
    void aDatagramsProgramPastTimeoutMaxIsEnded() throws Exception {
        try (var d = TestDaemon.start("services:\n" + ProgramStartTest.asBoth("lingers",
                "protocol: udp, timeout_max: 1s, kill_grace: 1s, " + LINGERS))) {
            for (var service : ProgramStartTest.both("lingers")) {
                int pid = start(d, service);
                var line = d.awaitLog("service=" + service + " peer=");
                assertTrue(line.contains(" signal=TERM reason=timeout "), line);
                assertTrue(TimeoutsTest.awaitNoGroup(pid), "the program outlived its timeout");
            }
        }
    }

    @Test
    void aDatagramsProgramPastTimeoutMaxIsEndedWithEveryGroupOfItsSession() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("user.name").equals("root"),
                "a program of root's, in a session of its own, needs a root daemon");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/perl")),
                "perl (Debian's perl-base) is not here");
        // A helper in a process group of its own, still in the program's session, and the program.
        try (var d = TestDaemon.start("""
                services:
                  split: {bind: 127.0.0.1, user: root, protocol: udp, timeout_max: 1s, kill_grace: 1s, exec: [/usr/bin/perl, -e,
                    %s]}
                """.formatted(SPLITS))) {
            var pids = reply(d, "split").split(" ");
            int program = Integer.parseInt(pids[0]);
            int helper = Integer.parseInt(pids[1]);
            assertTrue(TimeoutsTest.group(program).stream().noneMatch(p -> p == helper), "the helper leads a group of its own");
            var line = d.awaitLog("service=split peer=");
            assertTrue(line.contains(" reason=timeout "), line);
            assertTrue(TimeoutsTest.awaitNoGroup(program), "the program outlived its timeout");
            assertTrue(TimeoutsTest.awaitNoGroup(helper), "a process of the program's session outlived its timeout");
        }
    }

    @Test
    void aDatagramsProgramOfAnotherUserPastTimeoutMaxEndsWithAHelperInAGroupOfItsOwnThatHoldsItsStdout() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("user.name").equals("root"),
                "a program of another user needs a root daemon");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/perl")),
                "perl (Debian's perl-base) is not here");
        try (var d = TestDaemon.start("""
                services:
                  split: {bind: 127.0.0.1, user: nobody, protocol: udp, timeout_max: 1s, kill_grace: 1s, exec: [/usr/bin/perl, -e,
                    %s]}
                """.formatted(SPLITS))) {
            var pids = reply(d, "split").split(" ");
            int program = Integer.parseInt(pids[0]);
            int helper = Integer.parseInt(pids[1]);
            var line = d.awaitLog("service=split peer=");
            assertTrue(line.contains(" reason=timeout "), line);
            assertTrue(TimeoutsTest.awaitNoGroup(program), "the program outlived its timeout");
            // Its place goes just after its line is written: awaited, not looked at once.
            assertTrue(d.awaitIdle(java.time.Duration.ofSeconds(30)), "the datagram's place is given back");
            // Its spawner ends the helper's group too, though it is not the program's: it descends from it.
            assertTrue(TimeoutsTest.awaitNoGroup(helper), "a helper in a group of its own outlived its program's timeout");
        }
    }

    @Test
    void aStopEndsADatagramsProgram() throws Exception {
        var d = TestDaemon.start("shutdown_grace: 100ms\nservices:\n" + ProgramStartTest.asBoth("lingers",
                "protocol: udp, kill_grace: 1s, " + LINGERS));
        try {
            var pids = new java.util.ArrayList<Integer>();
            for (var service : ProgramStartTest.both("lingers")) {
                pids.add(start(d, service));
            }
            d.daemon().stop();
            for (var service : ProgramStartTest.both("lingers")) {
                var line = d.awaitLog("service=" + service + " peer=");
                assertTrue(line.contains(" signal=TERM reason=stop "), line);
            }
            for (int pid : pids) {
                assertTrue(TimeoutsTest.group(pid).isEmpty(), "program " + pid + " outlived the stop");
            }
        } finally {
            d.close();
        }
    }

    @Test
    void aDatagramsProgramEndsWithItsServiceWhenAReloadRemovesIt() throws Exception {
        try (var d = TestDaemon.start("services:\n" + ProgramStartTest.asBoth("lingers",
                "protocol: udp, kill_grace: 1s, " + LINGERS) + "  other: {bind: 127.0.0.1, handler: echo}\n")) {
            var pids = new java.util.ArrayList<Integer>();
            for (var service : ProgramStartTest.both("lingers")) {
                pids.add(start(d, service));
            }
            d.daemon().reload(TestDaemon.table("services: {other: {bind: 127.0.0.1, handler: echo}}"));
            for (var service : ProgramStartTest.both("lingers")) {
                var line = d.awaitLog("service=" + service + " peer=");
                assertTrue(line.contains(" signal=TERM reason=removed "), line);
            }
            for (int pid : pids) {
                assertTrue(TimeoutsTest.awaitNoGroup(pid), "program " + pid + " outlived its service");
            }
        }
    }

    /** Sends one datagram to {@code service}; returns the pid its program answers with. */
    private static int start(TestDaemon d, String service) throws Exception {
        var pid = reply(d, service);
        assertEquals(pid, pid.replaceAll("[^0-9]", ""), "a pid: " + pid);
        return Integer.parseInt(pid);
    }

    /** The first datagram the program of {@code service} sends back to one it was started for. */
    private static String reply(TestDaemon d, String service) throws Exception {
        try (var client = DatagramChannel.open(StandardProtocolFamily.INET)) {
            client.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client.send(ByteBuffer.wrap("go".getBytes(StandardCharsets.US_ASCII)), d.address(service));
            client.socket().setSoTimeout(Clients.DEADLINE_MS);
            var packet = new java.net.DatagramPacket(new byte[64], 64);
            client.socket().receive(packet);
            return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII).strip();
        }
    }
}
