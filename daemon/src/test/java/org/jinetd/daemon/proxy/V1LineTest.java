package org.jinetd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;
import org.junit.jupiter.api.Test;

/** The text line of version 1: what the spec allows, byte for byte, and nothing else. */
class V1LineTest {
    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static InetSocketAddress at(String numeric, int port) throws Exception {
        return new InetSocketAddress(InetAddress.ofLiteral(numeric), port);
    }

    /** The line parsed whole, followed by data that must stay unread, and through the daemon's reads. */
    private static Parsed.Complete complete(String line) {
        var bytes = ascii(line);
        var withData = ascii(line + "GET / HTTP/1.1\r\n\r\n");
        for (var accept : List.of(Accept.V1, Accept.ANY)) {
            var whole = assertInstanceOf(Parsed.Complete.class, ProxyParser.parse(bytes, bytes.length, accept), line);
            assertEquals(bytes.length, whole.length(), line);
            assertEquals(whole, ProxyParser.parse(withData, withData.length, accept), line);
            var read = Reads.of(withData, accept);
            assertEquals(whole, read.last(), line);
            // Every prefix is a partial header whose promise stays within the line.
            for (int length = 0; length < bytes.length; length++) {
                var partial = assertInstanceOf(Parsed.Partial.class, ProxyParser.parse(bytes, length, accept),
                        line + " cut at " + length);
                assertTrue(length + partial.more() <= bytes.length, line + " cut at " + length + ": " + partial);
            }
        }
        return assertInstanceOf(Parsed.Complete.class, ProxyParser.parse(bytes, bytes.length, Accept.V1));
    }

    /**
     * The line is refused with {@code why}, whole and through the daemon's reads alike (followed by
     * data, or those reads may wait for more than a short line holds).
     */
    static void bad(String line, String why) {
        var bytes = ascii(line);
        var withData = ascii(line + "x".repeat(120));
        for (var accept : List.of(Accept.V1, Accept.ANY)) {
            assertEquals(new Parsed.Bad(why), ProxyParser.parse(bytes, bytes.length, accept), line);
            assertEquals(new Parsed.Bad(why), Reads.of(withData, accept).last(), line);
        }
    }

    @Test
    void readsTheSpecsExample() throws Exception {
        var line = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n";
        var done = complete(line);
        assertEquals(new ProxyHeader.Inet(1, at("192.168.0.1", 56324), at("192.168.0.11", 443), Tlvs.NONE),
                done.header());
        assertEquals(47, done.length());
        // 15, then 19 (to "0.0 0.0.0.0 0 0\r\n"), 6, 4, 2, 1: each read ends where the shortest line could.
        assertEquals(6, Reads.of(ascii(line + "GET / HTTP/1.1\r\n"), Accept.V1).reads());
    }

    @Test
    void readsTheSpecsLongestLines() throws Exception {
        var four = complete("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n");
        assertEquals(56, four.length());
        var ffff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        var six = complete("PROXY TCP6 " + ffff + " " + ffff + " 65535 65535\r\n");
        assertEquals(104, six.length());
        assertEquals(new ProxyHeader.Inet(1, at(ffff, 65535), at(ffff, 65535), Tlvs.NONE), six.header());
        var unknown = complete("PROXY UNKNOWN " + ffff + " " + ffff + " 65535 65535\r\n");
        assertEquals(107, unknown.length());
        assertEquals(new ProxyHeader.Unknown(1, Tlvs.NONE), unknown.header());
        assertEquals(new ProxyHeader.Unknown(1, Tlvs.NONE), complete("PROXY UNKNOWN\r\n").header());
    }

    @Test
    void readsWhatHaproxyWrites() throws Exception {
        // haproxy 2.6's send-proxy, for a client that came in as 2001:db8::1 to 2001:db8:0:0:1::2.
        assertEquals(new ProxyHeader.Inet(1, at("2001:db8::1", 56324), at("2001:db8::1:0:0:2", 443), Tlvs.NONE),
                complete("PROXY TCP6 2001:db8::1 2001:db8::1:0:0:2 56324 443\r\n").header());
    }

    @Test
    void readsEveryFormOfIpv6() throws Exception {
        for (var address : List.of("::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
                "1::8", "1:2:3:4:5:6::8", "0001:0DB8:00:0::aBcD", "::ffff:192.0.2.1", "::1.2.3.4",
                "1:2:3:4:5:6:1.2.3.4", "1::6:1.2.3.4", "1:2:3:4:5::255.255.255.255", "::0.0.0.0", "::1:2:3:4:5:6:7",
                "fe80::1", "ff02::1:ff00:1")) {
            var header = (ProxyHeader.Inet) complete("PROXY TCP6 %s %s 1 2\r\n".formatted(address, address)).header();
            assertEquals(at(address, 1), header.source(), address);
            assertEquals(at(address, 2), header.destination(), address);
        }
    }

    @Test
    void takesPortZeroAndPortsUpTo65535() throws Exception {
        assertEquals(new ProxyHeader.Inet(1, at("0.0.0.0", 0), at("10.0.0.1", 65535), Tlvs.NONE),
                complete("PROXY TCP4 0.0.0.0 10.0.0.1 0 65535\r\n").header());
    }

    @Test
    void skipsWhatFollowsUnknownUpToCrlf() {
        assertEquals(new ProxyHeader.Unknown(1, Tlvs.NONE),
                complete("PROXY UNKNOWN whatever the sender likes, printable ~\r\n").header());
    }

    @Test
    void refusesWhatIsNoHeaderAtOnce() {
        var request = ascii("GET / HTTP/1.1\r\nHost: example.org\r\n\r\n");
        for (var accept : Accept.values()) {
            var read = Reads.of(request, accept);
            assertEquals(new Parsed.Bad("not a PROXY header"), read.last());
            assertEquals(1, read.reads(), "refused on the first read");
        }
        bad("PROXZ TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "not a PROXY header");
        bad("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003", "not a PROXY header");
        var line = ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n");
        assertEquals(new Parsed.Bad("v1 line on a v2 listener"), ProxyParser.parse(line, line.length, Accept.V2));
        assertEquals(new Parsed.Bad("v1 line on a v2 listener"), Reads.of(line, Accept.V2).last());
    }

    @Test
    void refusesAnyOtherProtocol() {
        for (var line : List.of("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", "PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n",
                "PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n", "PROXY TCP41.2.3.4\r\n",
                "PROXY UNKNOWM\r\n", "PROXY \r\n", "PROXY TCP\r\n")) {
            bad(line, "v1 protocol is not TCP4, TCP6 or UNKNOWN");
        }
        bad("PROXY UNKNOWNX\r\n", "v1 UNKNOWN is followed by neither a space nor CRLF");
        bad("PROXY UNKNOWN \u0001 \r\n", "v1 UNKNOWN line with a byte outside printable ASCII");
        bad("PROXY UNKNOWN caf\u00e9\r\n", "v1 UNKNOWN line with a byte outside printable ASCII");
    }

    @Test
    void wantsCrlfAndNothingElse() {
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "v1 line ends in LF without CR");
        bad("PROXY UNKNOWN\n", "v1 line ends in LF without CR");
        bad("PROXY UNKNOWN 1 2\n", "v1 line ends in LF without CR");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\r\n", "v1 line has CR without LF");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rGET", "v1 line has CR without LF");
        bad("PROXY UNKNOWN\r\r\n", "v1 line has CR without LF");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n", "v1 destination port is not a decimal number");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", "v1 destination port is not a decimal number");
    }

    @Test
    void wantsSingleSpaces() {
        bad("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n", "v1 fields are not separated by exactly one space");
        bad("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n", "v1 fields are not separated by exactly one space");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8  1 2\r\n", "v1 fields are not separated by exactly one space");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1  2\r\n", "v1 fields are not separated by exactly one space");
        bad("PROXY TCP6 ::1  ::1 1 2\r\n", "v1 fields are not separated by exactly one space");
        bad("PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n", "v1 source address is not an IPv4 address");
    }

    @Test
    void wantsCanonicalIpv4() {
        bad("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n", "v1 source address has an octet with a leading zero");
        bad("PROXY TCP4 1.2.3.4 5.6.7.00 1 2\r\n", "v1 destination address has an octet with a leading zero");
        bad("PROXY TCP4 256.2.3.4 5.6.7.8 1 2\r\n", "v1 source address has an octet above 255");
        bad("PROXY TCP4 1.2.3.4 5.6.7.1000 1 2\r\n", "v1 destination address has an octet above 255");
        for (var address : List.of("1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "0x1.2.3.4", "1.2.3.4/8",
                "::1", "::ffff:1.2.3.4", "localhost", "-1.2.3.4", "1.2.3.+4", "\u0661.2.3.4")) {
            bad("PROXY TCP4 %s 5.6.7.8 1 2\r\n".formatted(address), "v1 source address is not an IPv4 address");
        }
    }

    @Test
    void wantsIpv6AsTheSpecWritesIt() {
        for (var address : List.of("1.2.3.4", "[::1]", "fe80::1%eth0", "fe80::1%1", "::1/128", ":1::", "1:::2",
                ":::", "1:", ":", "g::1", "::1.2.3", "::1.2.3.4.5", "::1.2.3.4:5",
                "::1.2.3.a", "1::2:3:4a.1.2.3")) {
            bad("PROXY TCP6 %s ::1 1 2\r\n".formatted(address), "v1 source address is not an IPv6 address");
        }
        bad("PROXY TCP6 12345::1 ::1 1 2\r\n", "v1 source address has a group of more than 4 hex digits");
        bad("PROXY TCP6 1::2::3 ::1 1 2\r\n", "v1 source address has more than one \"::\"");
        bad("PROXY TCP6 ::1 1:2:3:4:5:6:7:8:9 1 2\r\n", "v1 destination address does not have 8 groups");
        bad("PROXY TCP6 1:2:3:4:5:6:7 ::1 1 2\r\n", "v1 source address does not have 8 groups");
        bad("PROXY TCP6 1:2:3:4:5:6:7:8::1 ::1 1 2\r\n", "v1 source address does not have 8 groups");
        bad("PROXY TCP6 1:2:3:4:5:6:7:8: ::1 1 2\r\n", "v1 source address does not have 8 groups");
        bad("PROXY TCP6 1:2:3:4::5:6:7:8 ::1 1 2\r\n", "v1 source address does not have 8 groups");
        bad("PROXY TCP6 1:2:3:4:5:6:7:1.2.3.4 ::1 1 2\r\n", "v1 source address does not have 8 groups");
        bad("PROXY TCP6 1:2:3:4:5:1.2.3.4 ::1 1 2\r\n", "v1 source address does not have 8 groups");
        bad("PROXY TCP6 1:2:3:4:5::6:1.2.3.4 ::1 1 2\r\n", "v1 source address does not have 8 groups");
        bad("PROXY TCP6 ::01.2.3.4 ::1 1 2\r\n", "v1 source address has an IPv4 part with a leading zero or above 255");
        bad("PROXY TCP6 ::1.2.3.256 ::1 1 2\r\n", "v1 source address has an IPv4 part with a leading zero or above 255");
        bad("PROXY TCP6 ::256.2.3.4 ::1 1 2\r\n", "v1 source address has an IPv4 part with a leading zero or above 255");
    }

    @Test
    void wantsPortsFrom0To65535WithoutLeadingZeros() {
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 65536 1\r\n", "v1 source port is above 65535");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n", "v1 destination port is above 65535");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1 4294967297\r\n", "v1 destination port is above 65535");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 080 1\r\n", "v1 source port has a leading zero");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1 00\r\n", "v1 destination port has a leading zero");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 -1 1\r\n", "v1 source port is not a decimal number");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 +1 1\r\n", "v1 source port is not a decimal number");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 0x50 1\r\n", "v1 source port is not a decimal number");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "v1 source port is not a decimal number");
        bad("PROXY TCP4 1.2.3.4 5.6.7.8\r\n", "v1 destination address is not an IPv4 address");
    }

    @Test
    void refusesALineLongerThan107BytesAsSoonAsItCannotEndInTime() {
        var ffff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        var longest = "PROXY UNKNOWN " + ffff + " " + ffff + " 65535 65535";
        bad(longest + "0\r\n", "v1 line without CRLF in 107 bytes");
        // 106 bytes and no CR: CRLF would make 108.
        var bytes = ascii(longest + "0");
        assertEquals(106, bytes.length);
        assertEquals(new Parsed.Bad("v1 line without CRLF in 107 bytes"), ProxyParser.parse(bytes, 106, Accept.V1));
        assertEquals(new Parsed.Partial(2), ProxyParser.parse(bytes, 105, Accept.V1));
        // IPv6 with IPv4 tails is valid text but cannot fit: refused before the line is over.
        var tail = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
        var line = ascii("PROXY TCP6 " + tail + " " + tail + " 65535 65535\r\n");
        var read = Reads.of(line, Accept.V1);
        assertEquals(new Parsed.Bad("v1 line without CRLF in 107 bytes"), read.last());
        assertTrue(read.consumed() < 107, "refused after " + read.consumed());
    }

    @Test
    void promisesNoMoreThanTheShortestLineCouldStillNeed() {
        // After "PROXY TCP4 1.2." the shortest end is "0.0 0.0.0.0 0 0\r\n".
        assertEquals(new Parsed.Partial(17), ProxyParser.parse(ascii("PROXY TCP4 1.2."), 15, Accept.V1));
        assertEquals(new Parsed.Partial(15), ProxyParser.parse(new byte[0], 0, Accept.V1));
        assertEquals(new Parsed.Partial(9), ProxyParser.parse(ascii("PROXY "), 6, Accept.V1));
        // TCP4 or TCP6 not known yet: TCP6 ends sooner, "PROXY TCP6 :: :: 0 0\r\n".
        assertEquals(new Parsed.Partial(13), ProxyParser.parse(ascii("PROXY TCP"), 9, Accept.V1));
        assertEquals(new Parsed.Partial(22), ProxyParser.parse(ascii("PROXY TCP4"), 10, Accept.V1));
        assertEquals(new Parsed.Partial(12), ProxyParser.parse(ascii("PROXY TCP6"), 10, Accept.V1));
        assertEquals(new Parsed.Partial(2), ProxyParser.parse(ascii("PROXY UNKNOWN"), 13, Accept.V1));
        // "2001" may be the first of 8 groups: "::" then the rest, " :: 0 0\r\n".
        assertEquals(new Parsed.Partial(11), ProxyParser.parse(ascii("PROXY TCP6 2001"), 15, Accept.V1));
        assertEquals(new Parsed.Partial(1), ProxyParser.parse(ascii("PROXY UNKNOWN\r"), 14, Accept.V1));
    }
}
