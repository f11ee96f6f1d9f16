package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
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
                assertTrue(d.awaitLive(1, Duration.ofSeconds(10)));
                assertEquals("", Clients.exchange(d.port("one"), ""));
                assertTrue(d.awaitLog("refused=").endsWith(" refused=instances"));
                first.getOutputStream().write("x\n".getBytes());
                assertEquals("done\n", new String(first.getInputStream().readAllBytes()));
            }
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
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
                assertTrue(d.awaitLive(2, Duration.ofSeconds(10)));
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
                assertTrue(d.awaitLive(1, Duration.ofSeconds(10)));
                assertEquals("", Clients.exchange(six, d.port("six"), ""));
                assertTrue(d.awaitLog("refused=").matches("service=six peer=\\[::1]:\\d+ refused=per_source"));
            }
        }
    }

    @Test
    void aFloodOfRefusalsIsLoggedInPartAndCountedInFull() throws Exception {
        try (var d = TestDaemon.start("services: {one: {bind: 127.0.0.1, instances: 1, " + HOLD + "}}");
             var held = Clients.connect(d.port("one"))) {
            assertTrue(d.awaitLive(1, Duration.ofSeconds(10)));
            // However these fall across seconds, one second gets more than its 20 lines.
            int refused = 100;
            for (int i = 0; i < refused; i++) {
                Clients.exchange(d.port("one"), "");
            }
            // Then nothing more comes: the last second's count must still get its line.
            d.awaitLogs(lines -> shown(lines) >= refused);
            assertEquals(refused, shown(d.log()), String.join("\n", d.log()));
            long lines = d.log().stream().filter(l -> l.endsWith(" refused=instances")).count();
            assertTrue(lines < refused, lines + " lines for " + refused + " refusals");
            assertTrue(d.log().stream().filter(l -> l.contains(" unlogged="))
                    .allMatch(l -> l.matches("service=one refused=instances unlogged=\\d+")), String.join("\n", d.log()));
            assertEquals(refused, d.daemon().log().tally().of("one").refused().get("instances").intValue());
        }
    }

    /** Refusals the log accounts for: a line each, or counted in an {@code unlogged=} line. */
    private static long shown(List<String> log) {
        return log.stream().mapToLong(l -> l.endsWith(" refused=instances") ? 1
                : l.contains(" unlogged=") ? Long.parseLong(l.substring(l.indexOf(" unlogged=") + 10)) : 0).sum();
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
                assertTrue(d.awaitLive(1, Duration.ofSeconds(10)));
                assertEquals("", Clients.exchange(d.port("b"), ""));
                assertTrue(d.awaitLog("refused=").matches("service=b peer=127\\.0\\.0\\.1:\\d+ refused=global"));
            }
        }
    }
}
