package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.Limits;
import org.jinetd.daemon.policy.Admission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** instances, per_source (with prefixes), max_connections: refused visibly, and the service goes on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {
    private static final String HOLD = "exec: [/bin/sh, -c, 'read -r x; echo done']";

    @Test
    void instancesRefusesTheOneTooManyAndTheServiceKeepsListening() throws Exception {
        try (var d = TestDaemon.start("services: {one: {bind: 127.0.0.1, instances: 1, " + HOLD + "}}")) {
            try (var first = Clients.connect(d.port("one"))) {
                assertTrue(d.daemon().awaitLive(1, Duration.ofSeconds(10)));
                assertEquals("", Clients.exchange(d.port("one"), ""));
                assertTrue(d.awaitLog("refused=").endsWith(" refused=instances"));
                first.getOutputStream().write("x\n".getBytes());
                assertEquals("done\n", new String(first.getInputStream().readAllBytes()));
            }
            assertTrue(d.daemon().awaitIdle(Duration.ofSeconds(10)));
            assertEquals("done\n", Clients.exchange(d.port("one"), "x\n"));
        }
    }

    @Test
    void perSourceCountsEachIpv4AddressUnlessAPrefixGroupsThem() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  each: {bind: 127.0.0.1, per_source: 1, %1$s}
                  grouped: {bind: 127.0.0.1, per_source: 1, per_source_ipv4_prefix: 8, %1$s}
                """.formatted(HOLD))) {
            var other = InetAddress.getByName("127.0.0.2");
            try (var held = Clients.connect(d.port("each")); var held2 = Clients.connect(d.port("grouped"))) {
                assertTrue(d.daemon().awaitLive(2, Duration.ofSeconds(10)));
                assertEquals("", Clients.exchange(d.port("each"), ""));
                assertTrue(d.awaitLog("service=each peer=127.0.0.1:").endsWith(" refused=per_source"));
                // Another address is another source...
                assertEquals("done\n", Clients.exchangeFrom(other, d.port("each"), "x\n"));
                // ...unless a prefix makes all of 127/8 one.
                assertEquals("", Clients.exchangeFrom(other, d.port("grouped"), ""));
                assertTrue(d.awaitLog("service=grouped peer=127.0.0.2:").endsWith(" refused=per_source"));
            }
        }
    }

    @Test
    void ipv6ClientsCountPerSixtyFourByDefault() throws Exception {
        var limits = Limits.DEFAULT;
        var a = InetAddress.getByName("2001:db8:1:2::1");
        var b = InetAddress.getByName("2001:db8:1:2:ffff::9");
        var c = InetAddress.getByName("2001:db8:1:3::1");
        assertEquals(Admission.source(a, limits), Admission.source(b, limits));
        assertNotEquals(Admission.source(a, limits), Admission.source(c, limits));
        var v4 = InetAddress.getByName("192.0.2.1");
        var mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 192, 0, 2, 1});
        assertEquals(Admission.source(v4, limits), Admission.source(mapped, limits));
        assertNotEquals(Admission.source(v4, limits), Admission.source(InetAddress.getByName("192.0.2.2"), limits));
    }

    @Test
    void perSourceOverIpv6Loopback() throws Exception {
        try (var d = TestDaemon.start("services: {six: {bind: '::1', per_source: 1, " + HOLD + "}}")) {
            var six = InetAddress.getByName("::1");
            try (var held = Clients.connect(six, d.port("six"))) {
                assertTrue(d.daemon().awaitLive(1, Duration.ofSeconds(10)));
                assertEquals("", Clients.exchange(six, d.port("six"), ""));
                assertTrue(d.awaitLog("refused=").matches("service=six peer=\\[::1]:\\d+ refused=per_source"));
            }
        }
    }

    @Test
    void aFloodOfRefusalsIsLoggedInPartAndCountedInFull() throws Exception {
        try (var d = TestDaemon.start("services: {one: {bind: 127.0.0.1, instances: 1, " + HOLD + "}}");
             var held = Clients.connect(d.port("one"))) {
            assertTrue(d.daemon().awaitLive(1, Duration.ofSeconds(10)));
            // Refused until a second has turned and the line that counts the rest has come.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int refused = 0;
            while (d.log().stream().noneMatch(l -> l.contains(" unlogged=")) && System.nanoTime() < deadline) {
                Clients.exchange(d.port("one"), "");
                refused++;
            }
            var summary = d.awaitLog(" unlogged=");
            assertTrue(summary.matches("service=one refused=instances unlogged=\\d+"), summary);
            long lines = d.log().stream().filter(l -> l.endsWith(" refused=instances")).count();
            assertTrue(lines < refused, lines + " lines for " + refused + " refusals");
            var counts = d.daemon().log().tally().of("one");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (counts.refused().getOrDefault("instances", 0L) < refused && System.nanoTime() < until) {
                Thread.onSpinWait(); // the last refusal is counted by the listener's thread, a moment later
            }
            assertEquals(refused, counts.refused().get("instances").intValue());
        }
    }

    @Test
    void maxConnectionsHoldsAcrossServices() throws Exception {
        try (var d = TestDaemon.start("""
                max_connections: 1
                services:
                  a: {bind: 127.0.0.1, %1$s}
                  b: {bind: 127.0.0.1, %1$s}
                """.formatted(HOLD))) {
            try (var held = Clients.connect(d.port("a"))) {
                assertTrue(d.daemon().awaitLive(1, Duration.ofSeconds(10)));
                assertEquals("", Clients.exchange(d.port("b"), ""));
                assertTrue(d.awaitLog("refused=").matches("service=b peer=127\\.0\\.0\\.1:\\d+ refused=global"));
            }
        }
    }
}
