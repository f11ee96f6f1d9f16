package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServingTest {
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();

    @Test
    void echoesOverTcpAndLogsOneLineWhenTheConnectionEnds() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo}}")) {
            assertEquals("hi", Clients.exchange(d.port("echo"), "hi"));
            var line = d.awaitLog("service=echo ");
            assertTrue(line.matches("service=echo peer=127\\.0\\.0\\.1:\\d+ duration=\\d+\\.\\d{3}s"), line);
        }
    }

    @Test
    void aConnectionsDurationStartsWhenItIsAcceptedNotWhenTheListenerBeganToWait() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  daytime: {bind: 127.0.0.1, handler: daytime}
                  echo: {bind: 127.0.0.1, handler: echo}
                """)) {
            // The daytime listener waits meanwhile.
            for (int i = 0; i < 50; i++) {
                assertEquals("x", Clients.exchange(d.port("echo"), "x"));
            }
            long before = System.nanoTime();
            Clients.exchange(d.port("daytime"), "");
            double elapsed = (System.nanoTime() - before) / 1e9;
            var line = d.awaitLog("service=daytime ");
            double logged = Double.parseDouble(line.replaceAll(".* duration=([0-9.]+)s.*", "$1"));
            assertTrue(logged <= elapsed + 0.002, logged + " s logged, " + elapsed + " s seen by the client");
        }
    }

    @Test
    void echoesOverUdp() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, protocol: udp, handler: echo}}")) {
            var answer = Clients.datagram(V4, d.port("echo"), "ping".getBytes(StandardCharsets.UTF_8));
            assertEquals("ping", new String(answer, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aUdpProgramGetsEachDatagramOnStdinAndItsOutputGoesBack() throws Exception {
        try (var d = TestDaemon.start("services: {u: {bind: 127.0.0.1, protocol: udp, "
                + "exec: [/bin/sh, -c, 'read -r x; echo \"got $x\"; echo note >&2']}}")) {
            var answer = Clients.datagram(V4, d.port("u"), "ping\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("got ping\n", new String(answer, StandardCharsets.UTF_8));
            assertTrue(d.awaitLog("stderr=note").startsWith("service=u pid="));
            assertTrue(d.awaitLog("service=u peer=127.0.0.1:").contains(" exit=0 "));
        }
    }

    @Test
    void servesIpv6Loopback() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: '::1', handler: echo}}")) {
            assertEquals("six", Clients.exchange(InetAddress.getByName("::1"), d.port("echo"), "six"));
            assertTrue(d.awaitLog("service=echo ").contains("peer=[::1]:"));
        }
    }

    @Test
    void wildcardIpv6ServesIpv4PeersAndShowsThemAsIpv4() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: '::', handler: echo}}")) {
            assertEquals("four", Clients.exchange(V4, d.port("echo"), "four"));
            assertEquals("six", Clients.exchange(InetAddress.getByName("::1"), d.port("echo"), "six"));
            assertTrue(d.awaitLog("service=echo peer=127.0.0.1:").startsWith("service=echo peer=127.0.0.1:"));
            d.awaitLog("service=echo peer=[::1]:");
        }
    }

    @Test
    void aSlowClientOnOneServiceDoesNotStallAnother() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  slow: {bind: 127.0.0.1, handler: echo}
                  fast: {bind: 127.0.0.1, handler: daytime}
                """)) {
            // Silent clients hold the echo service's connections open.
            var silent = new java.util.ArrayList<java.net.Socket>();
            try {
                for (int i = 0; i < 50; i++) {
                    silent.add(Clients.connect(d.port("slow")));
                }
                for (int i = 0; i < 20; i++) {
                    assertTrue(Clients.exchange(d.port("fast"), "").endsWith("\r\n"));
                }
                // And a fast client of the slow service itself is served too.
                assertEquals("quick", Clients.exchange(d.port("slow"), "quick"));
            } finally {
                for (var s : silent) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aBurstOfClientsIsServedInFull() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo, instances: unlimited}}")) {
            var threads = new java.util.ArrayList<Thread>();
            var failures = new java.util.concurrent.atomic.AtomicInteger();
            for (int i = 0; i < 200; i++) {
                var word = "w" + i;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        if (!word.equals(Clients.exchange(d.port("echo"), word))) {
                            failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                }));
            }
            for (var t : threads) {
                t.join();
            }
            assertEquals(0, failures.get());
        }
    }

    @Test
    void peersOfAnIpv4ListenerAreIpv4() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo}}")) {
            Clients.exchange(d.port("echo"), "x");
            var line = d.awaitLog("service=echo ");
            var peer = line.substring(line.indexOf("peer=") + 5, line.indexOf(':', line.indexOf("peer=")));
            assertTrue(InetAddress.getByName(peer) instanceof Inet4Address, line);
        }
    }
}
