package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jinetd.handler.testkit.Client;
import org.jinetd.handler.testkit.DatagramClient;
import org.jinetd.handler.testkit.Served;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TimeTest {
    private static final long SLACK_SECONDS = 5;
    /** 1900-01-01T00:00Z to 1970-01-01T00:00Z, as RFC 868 gives it. */
    private static final long RFC_868_OFFSET = 2_208_988_800L;

    @RegisterExtension
    static final Served TCP = Served.stream(new Time());
    @RegisterExtension
    static final Served UDP = Served.datagram(new Time());

    @Test
    void sendsFourBytesOfSecondsSince1900AndCloses(Client client) {
        var bytes = client.readAllBytes();
        assertEquals(4, bytes.length, "exactly four bytes, then end of stream");
        assertNearNow(bytes);
        assertTrue(TCP.awaitEnd().isEmpty(), "handler returned normally");
    }

    @Test
    void answersAnyDatagramWithFourBytes(DatagramClient client) {
        for (var sent : new byte[][] {new byte[0], "what time is it".getBytes()}) {
            var reply = client.send(sent).receive();
            assertEquals(4, reply.length);
            assertNearNow(reply);
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
        try (var served = Served.stream(new Time(Clock.fixed(instant, ZoneOffset.UTC))).start()) {
            var bytes = served.connect().readAllBytes();
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
