package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaytimeTest {
    private static final int TIMEOUT = (int) Served.DEADLINE.toMillis();
    // The documented form, "Weekday, Month Day, Year HH:MM:SS-Zone", written out independently.
    private static final DateTimeFormatter RFC_867 =
            DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss-zzz", Locale.US);
    private static final Duration SLACK = Duration.ofSeconds(5);

    @Test
    void sendsTheCurrentTimeAsOneLineAndCloses() throws Exception {
        try (var served = Served.stream("daytime", new Daytime().stream(Map.of()).orElseThrow());
             var client = new Socket(served.address().getAddress(), served.address().getPort())) {
            client.setSoTimeout(TIMEOUT);
            var text = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertNearNow(text);
            assertTrue(served.awaitEnd().isEmpty(), "handler returned normally");
        }
    }

    @Test
    void answersAnyDatagramWithTheCurrentTime() throws Exception {
        try (var served = Served.datagram("daytime", new Daytime().datagram(Map.of()).orElseThrow());
             var client = new DatagramSocket()) {
            client.setSoTimeout(TIMEOUT);
            client.send(new DatagramPacket(new byte[] {'?'}, 1, served.address()));
            var reply = new DatagramPacket(new byte[512], 512);
            client.receive(reply);
            assertNearNow(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void writesWeekdayMonthDayYearTimeAndZone() throws Exception {
        // RFC 867's own example instant (whose weekday the RFC gets wrong: it was a Monday).
        var clock = Clock.fixed(Instant.parse("1982-02-23T01:37:43Z"), ZoneId.of("America/Los_Angeles"));
        try (var served = Served.stream("daytime", new Daytime(clock).stream(Map.of()).orElseThrow());
             var client = new Socket(served.address().getAddress(), served.address().getPort())) {
            client.setSoTimeout(TIMEOUT);
            assertEquals("Monday, February 22, 1982 17:37:43-PST\r\n",
                    new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    private static void assertNearNow(String text) {
        assertTrue(text.endsWith("\r\n"), "ends in CR LF: " + text);
        var line = text.substring(0, text.length() - 2);
        assertTrue(line.indexOf('\r') < 0 && line.indexOf('\n') < 0, "one line: " + text);
        var sent = ZonedDateTime.parse(line, RFC_867).toInstant();
        var off = Duration.between(sent, Instant.now()).abs();
        assertTrue(off.compareTo(SLACK) <= 0, line + " is " + off + " from now");
        assertEquals(ZoneId.systemDefault().getRules().getOffset(sent),
                ZonedDateTime.parse(line, RFC_867).getOffset(), "in the system's time zone");
    }
}
