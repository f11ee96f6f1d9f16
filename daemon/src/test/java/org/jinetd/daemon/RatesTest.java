package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rates degrade, never disable: over them connections wait; only past rate_wait are they refused. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RatesTest {
    private static int[] burst(TestDaemon d, String service, int clients, InetAddress from) throws Exception {
        var served = new AtomicInteger();
        var refused = new AtomicInteger();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    var answer = from == null ? Clients.exchange(d.port(service), "x")
                            : Clients.exchangeFrom(from, d.port(service), "x");
                    (answer.equals("x") ? served : refused).incrementAndGet();
                } catch (IOException e) {
                    refused.incrementAndGet();
                }
            }));
        }
        for (var t : threads) {
            t.join();
        }
        return new int[] {served.get(), refused.get()};
    }

    @Test
    void overTheRateConnectionsWaitAndAreAllServed() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  echo: {bind: 127.0.0.1, handler: echo, instances: unlimited, rate: {per_second: 20, burst: 2},
                         rate_wait: 10s}
                """)) {
            var counts = burst(d, "echo", 12, null);
            assertEquals(12, counts[0], "all served");
            assertTrue(d.awaitLog("rate 20/s reached").startsWith("echo/tcp: rate 20/s reached; holding"));
            // One line when it started and one with counts when it ended: none per connection.
            Clients.exchange(d.port("echo"), "x");
            assertTrue(d.log().stream().noneMatch(l -> l.contains("refused=")));
        }
    }

    @Test
    void pastRateWaitTheExcessIsRefusedAndCountedAtTheEndOfTheEpisode() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  echo: {bind: 127.0.0.1, handler: echo, instances: unlimited, rate: {per_second: 2, burst: 1},
                         rate_wait: 200ms}
                """)) {
            var counts = burst(d, "echo", 20, null);
            assertTrue(counts[0] >= 1, "some are served");
            assertTrue(counts[1] >= 1, "the excess is refused");
            var ended = d.awaitLog(l -> l.startsWith("echo/tcp: rate 2/s reached ended after"));
            assertTrue(ended.matches(".* \\d+ delayed, [1-9]\\d* refused"), ended);
            // The service was never switched off.
            assertEquals("x", Clients.exchange(d.port("echo"), "x"));
        }
    }

    @Test
    void aFastSourceWaitsItsTurnWhileAnotherIsServedAtOnce() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  echo: {bind: 127.0.0.1, handler: echo, instances: unlimited,
                         rate_per_source: {per_second: 1, burst: 1}, rate_wait: 100ms}
                """)) {
            var counts = burst(d, "echo", 5, InetAddress.getByName("127.0.0.1"));
            assertTrue(counts[1] >= 1, "the fast source is held back: " + counts[0] + " served");
            assertEquals("x", Clients.exchangeFrom(InetAddress.getByName("127.0.0.3"), d.port("echo"), "x"));
            d.awaitLog("echo/tcp: rate_per_source reached; holding new connections back");
        }
    }
}
