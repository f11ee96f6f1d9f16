package org.jinetd.daemon.proxy;

import static org.jinetd.daemon.proxy.V1LineTest.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;
import org.junit.jupiter.api.Test;

/** What {@link ProxyWriter} writes, {@link ProxyParser} reads back as it was. */
class RoundTripTest {
    private static ProxyHeader read(byte[] bytes) {
        var parsed = assertInstanceOf(Parsed.Complete.class, ProxyParser.parse(bytes, bytes.length, Accept.ANY));
        assertEquals(bytes.length, parsed.length());
        return parsed.header();
    }

    private static String line(InetSocketAddress source, InetSocketAddress destination) {
        return new String(ProxyWriter.v1(source, destination), StandardCharsets.US_ASCII);
    }

    @Test
    void writesV1AsHaproxyDoes() throws Exception {
        assertEquals("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n",
                line(at("192.168.0.1", 56324), at("192.168.0.11", 443)));
        assertEquals("PROXY TCP6 2001:db8::1 ::1 0 65535\r\n", line(at("2001:0db8:0::1", 0), at("::1", 65535)));
        // RFC 5952, as inet_ntop: the first of the longest runs of zeros, never a single zero group.
        assertEquals("PROXY TCP6 1:0:2:3:4:5:6:7 1:0:2:: 1 2\r\n", line(at("1:0:2:3:4:5:6:7", 1), at("1:0:2::", 2)));
        assertEquals("PROXY TCP6 2001:db8::1:0:0:2 :: 1 2\r\n", line(at("2001:db8:0:0:1:0:0:2", 1), at("::", 2)));
        assertEquals("PROXY TCP6 fe80::abcd:ef01 1:: 1 2\r\n", line(at("FE80::ABCD:EF01", 1), at("1::", 2)));
        // One IPv6 side makes the line TCP6, with the IPv4 side mapped.
        assertEquals("PROXY TCP6 ::ffff:192.0.2.1 2001:db8::2 1 2\r\n", line(at("192.0.2.1", 1), at("2001:db8::2", 2)));
        // A scope means nothing to the receiver and is not written.
        var scoped = Inet6Address.getByAddress(null, InetAddress.ofLiteral("fe80::1").getAddress(), 3);
        assertEquals("PROXY TCP6 fe80::1 ::1 1 2\r\n", line(new InetSocketAddress(scoped, 1), at("::1", 2)));
    }

    @Test
    void writesAV4MappedAddressAsIpv4() throws Exception {
        // Java turns a v4-mapped literal into IPv4 at once; only this way makes one that stays IPv6.
        var mapped = Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3}, -1);
        assertInstanceOf(Inet6Address.class, mapped);
        var source = new InetSocketAddress(mapped, 1);
        assertEquals("PROXY TCP4 10.1.2.3 10.0.0.1 1 2\r\n", line(source, at("10.0.0.1", 2)));
        assertEquals(new ProxyHeader.Inet(2, at("10.1.2.3", 1), at("10.0.0.1", 2), Tlvs.NONE),
                read(ProxyWriter.v2(source, at("10.0.0.1", 2), Tlvs.NONE, false)));
        assertEquals(12 + 16, ProxyWriter.v2(source, at("10.0.0.1", 2), Tlvs.NONE, false).length);
    }

    @Test
    void refusesToWriteAnUnresolvedAddress() throws Exception {
        var unresolved = InetSocketAddress.createUnresolved("example.org", 80);
        assertThrows(IllegalArgumentException.class, () -> ProxyWriter.v1(unresolved, at("::1", 1)));
        assertThrows(IllegalArgumentException.class, () -> ProxyWriter.v2(at("::1", 1), unresolved, Tlvs.NONE, true));
    }

    @Test
    void refusesTlvsNoHeaderCouldCarry() {
        assertThrows(IllegalArgumentException.class, () -> new Tlvs(Optional.of("h2\n"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Tlvs(Optional.empty(), Optional.of("b\u00fccher.de"),
                Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Tlvs(Optional.empty(), Optional.empty(),
                Optional.of(new byte[129]), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Tlvs(Optional.empty(), Optional.empty(),
                Optional.of(new byte[0]), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Ssl(Ssl.CLIENT_SSL, true, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Ssl(0, false, Optional.of("TLSv1.3"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Ssl(8, false, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void everyHeaderWrittenReadsBack() throws Exception {
        var random = new SplittableRandom(5952);
        for (int round = 0; round < 20_000; round++) {
            var source = new InetSocketAddress(address(random), random.nextInt(65536));
            var destination = new InetSocketAddress(address(random), random.nextInt(65536));
            var v1 = (ProxyHeader.Inet) read(ProxyWriter.v1(source, destination));
            assertEquals(new ProxyHeader.Inet(1, source, destination, Tlvs.NONE), v1);
            var tlvs = tlvs(random);
            boolean crc = random.nextBoolean();
            var bytes = ProxyWriter.v2(source, destination, tlvs, crc);
            assertEquals(new ProxyHeader.Inet(2, source, destination, tlvs), read(bytes));
            // With a CRC, any byte changed in the addresses is refused.
            if (crc) {
                var changed = bytes.clone();
                changed[16 + random.nextInt(12)] ^= (byte) (1 + random.nextInt(255));
                assertEquals(new Parsed.Bad("v2 CRC32C does not match the header"),
                        ProxyParser.parse(changed, changed.length, Accept.V2));
            }
        }
    }

    /** IPv4, IPv6 with runs of zeros in any place, v4-mapped IPv6 (which Java turns into IPv4). */
    static InetAddress address(SplittableRandom random) throws Exception {
        var bytes = new byte[random.nextBoolean() ? 4 : 16];
        random.nextBytes(bytes);
        if (bytes.length == 16) {
            for (int i = 0; i < 8; i++) {
                if (random.nextInt(3) == 0) {
                    bytes[2 * i] = 0;
                    bytes[2 * i + 1] = 0;
                }
            }
            if (random.nextInt(10) == 0) {
                java.util.Arrays.fill(bytes, 0, 10, (byte) 0);
                bytes[10] = (byte) 0xff;
                bytes[11] = (byte) 0xff;
            }
        }
        return InetAddress.getByAddress(bytes);
    }

    static Tlvs tlvs(SplittableRandom random) {
        var ssl = random.nextBoolean() ? Optional.<Ssl>empty() : Optional.of(ssl(random));
        return new Tlvs(text(random, 255, false), text(random, 255, false), random.nextBoolean() ? Optional.empty()
                : Optional.of(bytes(random, 1 + random.nextInt(128))), ssl, text(random, 255, false));
    }

    private static Ssl ssl(SplittableRandom random) {
        int client = random.nextInt(8);
        boolean tls = (client & Ssl.CLIENT_SSL) != 0;
        boolean verified = (client & (Ssl.CLIENT_CERT_CONN | Ssl.CLIENT_CERT_SESS)) != 0 && random.nextBoolean();
        return new Ssl(client, verified, tls ? text(random, 20, false) : Optional.empty(),
                tls ? text(random, 60, false) : Optional.empty(), tls ? text(random, 30, false) : Optional.empty(),
                tls ? text(random, 10, false) : Optional.empty(), tls ? text(random, 255, true) : Optional.empty());
    }

    private static Optional<String> text(SplittableRandom random, int max, boolean spaces) {
        if (random.nextBoolean()) {
            return Optional.empty();
        }
        var text = new StringBuilder();
        int length = 1 + random.nextInt(random.nextInt(10) == 0 ? max : Math.min(max, 16));
        for (int i = 0; i < length; i++) {
            text.append((char) (spaces ? random.nextInt(0x20, 0x7f) : random.nextInt(0x21, 0x7f)));
        }
        if (text.toString().contains("/") || text.toString().matches("\\.\\.?")) {
            return Optional.empty(); // not a namespace name; the other texts just go without
        }
        return Optional.of(text.toString());
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        var bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @Test
    void writesTheLongestTlvsWithinTheBound() throws Exception {
        var longest = "x".repeat(255);
        var ssl = new Ssl(7, true, Optional.of(longest), Optional.of(longest), Optional.of(longest),
                Optional.of(longest), Optional.of(longest));
        var tlvs = new Tlvs(Optional.of(longest), Optional.of(longest), Optional.of(new byte[128]), Optional.of(ssl),
                Optional.of(longest));
        var bytes = ProxyWriter.v2(at("::1", 1), at("::2", 2), tlvs, true);
        assertEquals(List.of(true), List.of(bytes.length <= 4096));
        assertEquals(new ProxyHeader.Inet(2, at("::1", 1), at("::2", 2), tlvs), read(bytes));
    }
}
