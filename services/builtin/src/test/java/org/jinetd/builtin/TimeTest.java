package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimeTest {
    private static final int TIMEOUT = (int) Served.DEADLINE.toMillis();
    private static final long SLACK_SECONDS = 5;
    /** 1900-01-01T00:00Z to 1970-01-01T00:00Z, as RFC 868 gives it. */
    private static final long RFC_868_OFFSET = 2_208_988_800L;

    @Test
    void sendsFourBytesOfSecondsSince1900AndCloses() throws Exception {
        try (var served = Served.stream("time", new Time().stream(Map.of()).orElseThrow());
             var client = new Socket(served.address().getAddress(), served.address().getPort())) {
            client.setSoTimeout(TIMEOUT);
            var bytes = client.getInputStream().readAllBytes();
            assertEquals(4, bytes.length, "exactly four bytes, then end of stream");
            assertNearNow(bytes);
            assertTrue(served.awaitEnd().isEmpty(), "handler returned normally");
        }
    }

    @Test
    void answersAnyDatagramWithFourBytes() throws Exception {
        try (var served = Served.datagram("time", new Time().datagram(Map.of()).orElseThrow());
             var client = new DatagramSocket()) {
            client.setSoTimeout(TIMEOUT);
            for (var sent : new byte[][] {new byte[0], "what time is it".getBytes()}) {
                client.send(new DatagramPacket(sent, sent.length, served.address()));
                var reply = new DatagramPacket(new byte[16], 16);
                client.receive(reply);
                assertEquals(4, reply.getLength());
                assertNearNow(java.util.Arrays.copyOf(reply.getData(), 4));
            }
        }
    }

    @Test
    void countsFrom1900BigEndian() throws Exception {
        // The Unix epoch is 2208988800 = 0x83AA7E80: above 2^31, so it also shows the count is unsigned.
        assertEquals(0x83AA7E80L, served(Instant.EPOCH));
    }

    @Test
    void wrapsAfter32Bits() throws Exception {
        assertEquals(0L, served(Instant.parse("2036-02-07T06:28:16Z")));
        assertEquals(1L, served(Instant.parse("2036-02-07T06:28:17Z")));
    }

    private static long served(Instant instant) throws Exception {
        var time = new Time(Clock.fixed(instant, ZoneOffset.UTC));
        try (var served = Served.stream("time", time.stream(Map.of()).orElseThrow());
             var client = new Socket(served.address().getAddress(), served.address().getPort())) {
            client.setSoTimeout(TIMEOUT);
            var bytes = client.getInputStream().readAllBytes();
            assertEquals(4, bytes.length);
            return unsigned(bytes);
        }
    }

    private static void assertNearNow(byte[] bytes) {
        long expected = (Instant.now().getEpochSecond() + RFC_868_OFFSET) & 0xFFFF_FFFFL;
        long got = unsigned(bytes);
        assertTrue(Math.abs(expected - got) <= SLACK_SECONDS, got + " is not near " + expected);
    }

    private static long unsigned(byte[] bytes) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(bytes).getInt());
    }
}
