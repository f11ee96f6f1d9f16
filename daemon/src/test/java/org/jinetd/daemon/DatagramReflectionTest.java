package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One forged datagram "from" chargen's port to echo's must not start the two answering each
 * other: a UDP internal service never answers another internal service's port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatagramReflectionTest {
    @Test
    void aUdpHandlerAnswersOneSourceAtItsDefaultRateOnly() throws Exception {
        try (var d = TestDaemon.start("services: {echo-udp: {protocol: udp, bind: 127.0.0.1, handler: echo}}")) {
            var rate = d.daemon().table().services().getFirst().rates().perSource().orElseThrow();
            assertEquals(org.jinetd.daemon.config.Rates.DATAGRAM_PER_SOURCE, rate);
            int sent = 200;
            try (var socket = new java.net.DatagramSocket()) {
                for (int i = 0; i < sent; i++) {
                    socket.send(new java.net.DatagramPacket(new byte[] {1}, 1, InetAddress.getLoopbackAddress(),
                            d.port("echo-udp")));
                }
            }
            var counts = d.daemon().log().tally().of("echo-udp");
            // Every datagram is answered or counted as over the rate; far fewer than sent are answered.
            assertTrue(d.awaitLogs(lines -> counts.connections() + counts.refused().getOrDefault("rate_per_source", 0L) == sent),
                    counts.connections() + " served, " + counts.refused());
            assertTrue(counts.connections() < sent / 2, counts.connections() + " served");
        }
    }

    @Test
    void echoNeverAnswersTheChargenPortOfItsOwnTable() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  echo-udp: {protocol: udp, bind: 127.0.0.1, handler: echo}
                  chargen-udp: {protocol: udp, bind: 127.0.0.1, handler: chargen}
                """)) {
            var chargen = (InetSocketAddress) d.address("chargen-udp");
            // A datagram that claims to come from chargen's port, as a forger's would.
            try (var forged = DatagramChannel.open(StandardProtocolFamily.INET)) {
                forged.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                forged.bind(chargen);
                forged.send(ByteBuffer.wrap("loop".getBytes(StandardCharsets.US_ASCII)), d.address("echo-udp"));
            }
            d.awaitLog(line -> line.contains("echo-udp/udp") && line.contains("server's port"));
            // An ordinary client is still answered, and chargen was never asked anything.
            var reply = Clients.datagram(InetAddress.getLoopbackAddress(), d.port("echo-udp"),
                    "hi".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), reply);
            assertEquals(0, d.daemon().log().tally().of("chargen-udp").connections());
            assertEquals(1, d.daemon().log().tally().of("echo-udp").refused().get("source_port"));
        }
    }

    @Test
    void chargenNeverAnswersThePortOfAUdpProgramOfItsTable() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  chargen-udp: {protocol: udp, bind: 127.0.0.1, handler: chargen}
                  answers-udp: {protocol: udp, bind: 127.0.0.1, exec: [/bin/cat]}
                """)) {
            var program = (InetSocketAddress) d.address("answers-udp");
            // "From" the program's port: chargen's answer would start the program, whose
            // answer would reach chargen again, for ever.
            try (var forged = DatagramChannel.open(StandardProtocolFamily.INET)) {
                forged.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                forged.bind(program);
                forged.send(ByteBuffer.wrap("loop".getBytes(StandardCharsets.US_ASCII)), d.address("chargen-udp"));
            }
            d.awaitLog(line -> line.contains("chargen-udp/udp") && line.contains("server's port"));
            assertEquals(1, d.daemon().log().tally().of("chargen-udp").refused().get("source_port"));
            assertEquals(0, d.daemon().log().tally().of("answers-udp").connections(), "the program never ran");
        }
    }

    @Test
    void theDatagramHandlersRepliesStayWithinDatagramReplyRateWhateverTheSources() throws Exception {
        // 2,000 bytes a second in all; each source within its own rate.
        try (var d = TestDaemon.start("""
                datagram_reply_rate: 2000
                services:
                  chargen-udp: {protocol: udp, bind: 127.0.0.1, handler: chargen, instances: unlimited,
                                rate_per_source: {per_second: 1000, burst: 1000}}
                """)) {
            int sent = 0;
            var sources = new java.util.ArrayList<DatagramChannel>();
            try {
                for (int i = 0; i < 50; i++) {
                    var source = DatagramChannel.open(StandardProtocolFamily.INET);
                    source.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    sources.add(source);
                }
                long started = System.nanoTime();
                var counts = d.daemon().log().tally().of("chargen-udp");
                for (int round = 0; round < 20; round++) {
                    for (var source : sources) {
                        source.send(ByteBuffer.wrap(new byte[] {1}), d.address("chargen-udp"));
                        sent++;
                    }
                    // A round at a time, so that no datagram is lost to a full socket buffer uncounted.
                    int all = sent;
                    assertTrue(await(() -> counts.connections() + counts.refused().getOrDefault(
                            "rate_per_source", 0L) >= all), counts.connections() + " " + counts.refused());
                }
                long took = System.nanoTime() - started;
                long received = 0;
                var buffer = ByteBuffer.allocate(1024);
                for (var source : sources) {
                    source.configureBlocking(false);
                    while (source.receive(buffer.clear()) != null) {
                        received += buffer.position();
                    }
                }
                // A second's worth at the start, then the rate for as long as it took.
                long most = 2000 + (long) (2000 * (took / 1e9)) + 512;
                assertTrue(received <= most, received + " bytes answered in " + took / 1_000_000 + " ms, more than " + most);
                assertTrue(counts.refused().getOrDefault("datagram_reply_rate", 0L) > 0, counts.refused().toString());
                d.awaitLog(line -> line.contains("chargen-udp/udp: datagram_reply_rate reached"));
            } finally {
                for (var source : sources) {
                    source.close();
                }
            }
        }
    }

    private static boolean await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        return true;
    }
}
