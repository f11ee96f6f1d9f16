package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jinetd.handler.testkit.Client;
import org.jinetd.handler.testkit.DatagramClient;
import org.jinetd.handler.testkit.Served;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DaytimeTest {
    // The documented form, "Weekday, Month Day, Year HH:MM:SS-Zone", written out independently.
    private static final DateTimeFormatter RFC_867 =
            DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss-zzz", Locale.US);
    private static final Duration SLACK = Duration.ofSeconds(5);

    @RegisterExtension
    static final Served TCP = Served.stream(new Daytime());
    @RegisterExtension
    static final Served UDP = Served.datagram(new Daytime());

    @Test
    void sendsTheCurrentTimeAsOneLineAndCloses(Client client) {
        assertNearNow(client.readAll());
        assertTrue(TCP.awaitEnd().isEmpty(), "handler returned normally");
    }

    @Test
    void answersAnyDatagramWithTheCurrentTime(DatagramClient client) {
        assertNearNow(client.send("?").receiveText());
    }

    @Test
    void writesWeekdayMonthDayYearTimeAndZone() throws Exception {
        // RFC 867's own example instant (whose weekday the RFC gets wrong: it was a Monday).
        var clock = Clock.fixed(Instant.parse("1982-02-23T01:37:43Z"), ZoneId.of("America/Los_Angeles"));
        try (var served = Served.stream(new Daytime(clock)).start()) {
            assertEquals("Monday, February 22, 1982 17:37:43-PST\r\n", served.connect().readAll());
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
