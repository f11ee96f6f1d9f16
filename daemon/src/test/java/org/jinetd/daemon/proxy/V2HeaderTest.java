package org.jinetd.daemon.proxy;

import static org.jinetd.daemon.proxy.V1LineTest.at;
import static org.jinetd.daemon.proxy.V2Bytes.concat;
import static org.jinetd.daemon.proxy.V2Bytes.crc;
import static org.jinetd.daemon.proxy.V2Bytes.crcTlv;
import static org.jinetd.daemon.proxy.V2Bytes.header;
import static org.jinetd.daemon.proxy.V2Bytes.ipv4;
import static org.jinetd.daemon.proxy.V2Bytes.ipv6;
import static org.jinetd.daemon.proxy.V2Bytes.tlv;
import static org.jinetd.daemon.proxy.V2Bytes.unix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;
import org.junit.jupiter.api.Test;

/** The binary header of version 2, built by hand from the spec's layout. */
class V2HeaderTest {
    private static final byte[] DATA = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The header parsed whole, followed by data that must stay unread, and through the daemon's reads. */
    static ProxyHeader complete(byte[] header) {
        var withData = concat(header, DATA);
        Parsed.Complete first = null;
        for (var accept : List.of(Accept.V2, Accept.ANY)) {
            var whole = assertInstanceOf(Parsed.Complete.class, ProxyParser.parse(header, header.length, accept));
            assertEquals(header.length, whole.length());
            assertEquals(whole, ProxyParser.parse(withData, withData.length, accept));
            assertEquals(whole, Reads.of(withData, accept).last());
            for (int length = 0; length < header.length; length++) {
                var partial = assertInstanceOf(Parsed.Partial.class, ProxyParser.parse(header, length, accept),
                        "cut at " + length);
                assertTrue(length + partial.more() <= header.length, "cut at " + length + ": " + partial);
            }
            first = whole;
        }
        return first.header();
    }

    /** The header is refused with {@code why}, whole and through the daemon's reads alike. */
    static void bad(byte[] header, String why) {
        var withData = concat(header, DATA, new byte[4096]);
        for (var accept : List.of(Accept.V2, Accept.ANY)) {
            assertEquals(new Parsed.Bad(why), ProxyParser.parse(header, header.length, accept));
            assertEquals(new Parsed.Bad(why), Reads.of(withData, accept).last());
        }
    }

    private static Tlvs tlvs(Optional<String> alpn, Optional<String> authority, Optional<byte[]> uniqueId,
            Optional<Ssl> ssl, Optional<String> netns) {
        return new Tlvs(alpn, authority, uniqueId, ssl, netns);
    }

    @Test
    void readsTcpOverIpv4AndIpv6() throws Exception {
        assertEquals(new ProxyHeader.Inet(2, at("192.0.2.1", 56324), at("198.51.100.2", 443), Tlvs.NONE),
                complete(header(0x21, 0x11, ipv4())));
        assertEquals(new ProxyHeader.Inet(2, at("2001:db8::1", 56324), at("2001:db8::2", 443), Tlvs.NONE),
                complete(header(0x21, 0x21, ipv6())));
        // A v4-mapped address comes out as IPv4, as Java has it everywhere else.
        var mapped = ipv6();
        Arrays.fill(mapped, 0, 16, (byte) 0);
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 7;
        var header = (ProxyHeader.Inet) complete(header(0x21, 0x21, mapped));
        assertInstanceOf(Inet4Address.class, header.source().getAddress());
        assertEquals(at("10.0.0.7", 56324), header.source());
    }

    @Test
    void readsUnixSocketPaths() {
        var path = "/run/haproxy/frontend.sock".getBytes(StandardCharsets.US_ASCII);
        assertEquals(new ProxyHeader.Unix(2, "", "/run/haproxy/frontend.sock", Tlvs.NONE),
                complete(header(0x21, 0x31, unix(new byte[0], path))));
        // A full 108-byte path has no NUL; an abstract one begins with one.
        var full = "/".repeat(108).getBytes(StandardCharsets.US_ASCII);
        var abstractName = "\0jinetd\0garbage".getBytes(StandardCharsets.US_ASCII);
        assertEquals(new ProxyHeader.Unix(2, "@jinetd", "/".repeat(108), Tlvs.NONE),
                complete(header(0x21, 0x31, unix(abstractName, full))));
        bad(header(0x21, 0x31, unix("/tmp/a\nb".getBytes(StandardCharsets.US_ASCII), path)),
                "v2 UNIX source path with a byte outside printable ASCII");
        bad(header(0x21, 0x31, unix(path, "/tmp/\u00e9".getBytes(StandardCharsets.UTF_8))),
                "v2 UNIX destination path with a byte outside printable ASCII");
    }

    @Test
    void readsLocalAndUnknown() {
        // haproxy's health check: LOCAL, AF_UNSPEC, no address.
        assertEquals(new ProxyHeader.Local(2, Tlvs.NONE), complete(header(0x20, 0x00)));
        // LOCAL ignores the family, but its address block is skipped and TLVs after it are read.
        var authority = tlvs(Optional.empty(), Optional.of("example.org"), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertEquals(new ProxyHeader.Local(2, authority),
                complete(header(0x20, 0x11, ipv4(), tlv(0x02, "example.org"))));
        assertEquals(new ProxyHeader.Local(2, Tlvs.NONE), complete(header(0x20, 0x12, ipv4())));
        assertEquals(new ProxyHeader.Local(2, Tlvs.NONE), complete(header(0x20, 0x32, new byte[216])));
        for (int family : new int[] {0x00, 0x01, 0x02}) {
            assertEquals(new ProxyHeader.Unknown(2, Tlvs.NONE), complete(header(0x21, family)));
        }
        assertEquals(new ProxyHeader.Unknown(2, authority), complete(header(0x21, 0x00, tlv(0x02, "example.org"))));
    }

    @Test
    void readsEveryTlvItKnowsAndSkipsTheRest() throws Exception {
        var ssl = concat(new byte[] {0x07, 0, 0, 0, 0}, tlv(0x21, "TLSv1.3"), tlv(0x22, "Jane Client"),
                tlv(0x25, "EC256"), tlv(0x24, "ecdsa-with-SHA256"), tlv(0x23, "TLS_AES_256_GCM_SHA384"),
                tlv(0x2f, "an unknown sub-TLV"));
        var built = header(0x21, 0x11, ipv4(), crcTlv(), tlv(0x04, new byte[0]), tlv(0x01, "h2"),
                tlv(0x02, "www.example.org"), tlv(0xe0, "custom"), tlv(0x04, new byte[5]), tlv(0x05, new byte[] {1, 2, 3}),
                tlv(0x20, ssl), tlv(0x30, "blue"), tlv(0xea, new byte[] {0x01, 0x00, 0x0a}), tlv(0xe0, "again"),
                tlv(0x21, "a subtype out of place"));
        var expected = new ProxyHeader.Inet(2, at("192.0.2.1", 56324), at("198.51.100.2", 443),
                tlvs(Optional.of("h2"), Optional.of("www.example.org"), Optional.of(new byte[] {1, 2, 3}),
                        Optional.of(new Ssl(7, true, Optional.of("TLSv1.3"), Optional.of("TLS_AES_256_GCM_SHA384"),
                                Optional.of("ecdsa-with-SHA256"), Optional.of("EC256"), Optional.of("Jane Client"))),
                        Optional.of("blue")));
        assertEquals(expected, complete(crc(built, 16 + 12 + 3)));
    }

    @Test
    void readsTheSslTlvAsHaproxySendsItForPlainAndUnverifiedClients() {
        // No TLS at all: the client byte and verify field zero, nothing else.
        var plain = (ProxyHeader.Inet) complete(header(0x21, 0x11, ipv4(), tlv(0x20, new byte[5])));
        assertEquals(Optional.of(new Ssl(0, false, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty())), plain.tlvs().ssl());
        // TLS with no client certificate: verify is zero, yet nothing was verified.
        var noCertificate = (ProxyHeader.Inet) complete(header(0x21, 0x11, ipv4(),
                tlv(0x20, concat(new byte[] {1, 0, 0, 0, 0}, tlv(0x21, "TLSv1.2")))));
        assertEquals(false, noCertificate.tlvs().ssl().orElseThrow().verified());
        // A certificate that failed (haproxy sends the X509 error, 18 for a self-signed one).
        var failed = (ProxyHeader.Inet) complete(header(0x21, 0x11, ipv4(), tlv(0x20, new byte[] {7, 0, 0, 0, 18})));
        assertEquals(false, failed.tlvs().ssl().orElseThrow().verified());
    }

    @Test
    void takesAnEmptyUniqueIdAsNone() throws Exception {
        // haproxy sends one when asked for unique-id with no unique-id-format.
        assertEquals(new ProxyHeader.Inet(2, at("192.0.2.1", 56324), at("198.51.100.2", 443), Tlvs.NONE),
                complete(header(0x21, 0x11, ipv4(), tlv(0x05, new byte[0]))));
    }

    @Test
    void refusesWhatIsNotAVersion2HeaderOfThisListener() {
        var good = header(0x21, 0x11, ipv4());
        assertEquals(new Parsed.Bad("v2 header on a v1 listener"), ProxyParser.parse(good, good.length, Accept.V1));
        assertEquals(new Parsed.Bad("v2 header on a v1 listener"), Reads.of(good, Accept.V1).last());
        var wrong = good.clone();
        wrong[7] = 'q';
        bad(wrong, "not a PROXY header");
        for (int version : new int[] {0, 1, 3, 15}) {
            bad(header(version << 4 | 1, 0x11, ipv4()), "v2 signature with version " + version);
        }
        for (int command : new int[] {2, 3, 15}) {
            bad(header(0x20 | command, 0x11, ipv4()), "v2 command " + command + " is neither LOCAL nor PROXY");
        }
    }

    @Test
    void refusesFamiliesAndTransportsAStreamListenerCannotTake() {
        bad(header(0x21, 0x41, ipv4()), "v2 address family 4 is unknown");
        bad(header(0x21, 0xf1, ipv4()), "v2 address family 15 is unknown");
        bad(header(0x21, 0x13, ipv4()), "v2 transport protocol 3 is unknown");
        bad(header(0x20, 0x03), "v2 transport protocol 3 is unknown");
        bad(header(0x21, 0x10, ipv4()), "v2 IPv4 family with an unspecified transport protocol");
        bad(header(0x20, 0x30, new byte[216]), "v2 UNIX family with an unspecified transport protocol");
        bad(header(0x21, 0x12, ipv4()), "v2 IPv4 datagrams on a stream listener");
        bad(header(0x21, 0x22, ipv6()), "v2 IPv6 datagrams on a stream listener");
        bad(header(0x21, 0x32, new byte[216]), "v2 UNIX datagrams on a stream listener");
    }

    @Test
    void refusesALengthShortOfTheAddressBlockOrPastTheBound() {
        bad(header(0x21, 0x11, Arrays.copyOf(ipv4(), 11)), "v2 length 11 is short of the 12-byte IPv4 address block");
        bad(header(0x21, 0x21, Arrays.copyOf(ipv6(), 35)), "v2 length 35 is short of the 36-byte IPv6 address block");
        bad(header(0x21, 0x31, new byte[215]), "v2 length 215 is short of the 216-byte UNIX address block");
        bad(header(0x20, 0x11), "v2 length 0 is short of the 12-byte IPv4 address block");
        // 4096 in all is the most; one more is refused before a byte of the rest is read.
        var longest = header(0x21, 0x11, ipv4(), tlv(0xe0, new byte[4096 - 16 - 12 - 3]));
        assertEquals(4096, longest.length);
        complete(longest);
        bad(header(0x21, 0x11, ipv4(), tlv(0xe0, new byte[4096 - 16 - 12 - 2])),
                "v2 header longer than 4096 bytes");
        var huge = Arrays.copyOf(header(0x21, 0x11, ipv4()), 16);
        huge[14] = (byte) 0xff;
        huge[15] = (byte) 0xff;
        assertEquals(new Parsed.Bad("v2 header longer than 4096 bytes"),
                ProxyParser.parse(huge, 16, Accept.V2));
        // On a listener that takes either version, the first read stops at 15 bytes: the high byte says enough.
        assertEquals(new Parsed.Bad("v2 header longer than 4096 bytes"),
                ProxyParser.parse(huge, 15, Accept.ANY));
        huge[14] = 0x10;
        assertEquals(new Parsed.Bad("v2 header longer than 4096 bytes"),
                ProxyParser.parse(huge, 15, Accept.ANY));
    }

    @Test
    void refusesTlvsThatDoNotFillTheHeaderExactly() {
        bad(header(0x21, 0x11, ipv4(), new byte[] {0x04, 0}), "v2 TLV header runs past the end of the header");
        bad(header(0x21, 0x11, ipv4(), new byte[] {0x01}), "v2 TLV header runs past the end of the header");
        bad(header(0x21, 0x11, ipv4(), new byte[] {0x01, 0, 3, 'h', '2'}), "v2 TLV 0x01 runs past the end of the header");
        bad(header(0x21, 0x11, ipv4(), new byte[] {(byte) 0xe0, (byte) 0xff, (byte) 0xff}),
                "v2 TLV 0xe0 runs past the end of the header");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, concat(new byte[] {1, 0, 0, 0, 0}, new byte[] {0x21, 0}))),
                "v2 SSL sub-TLV header runs past the end of the SSL TLV");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, concat(new byte[] {1, 0, 0, 0, 0}, new byte[] {0x21, 0, 9, 'T'}))),
                "v2 SSL sub-TLV 0x21 runs past the end of the SSL TLV");
    }

    @Test
    void checksTheCrc32c() {
        int at = 16 + 12 + 3;
        var built = crc(header(0x21, 0x11, ipv4(), crcTlv(), tlv(0x02, "example.org")), at);
        complete(built);
        for (int i = 0; i < built.length; i++) {
            if (i >= at - 3 && i < at + 4) {
                // The CRC TLV itself: with another type it is no CRC any more, as the spec has it.
                continue;
            }
            var flipped = built.clone();
            flipped[i] ^= 0x20;
            var parsed = ProxyParser.parse(flipped, flipped.length, Accept.V2);
            // A flip in the fixed part or a TLV header may be refused for another reason first.
            assertTrue(parsed instanceof Parsed.Bad || parsed instanceof Parsed.Partial, "flip at " + i + ": " + parsed);
        }
        var wrong = built.clone();
        wrong[at + 3] ^= 1;
        bad(wrong, "v2 CRC32C does not match the header");
        var host = built.clone();
        host[host.length - 1] = 'h';
        bad(host, "v2 CRC32C does not match the header");
        bad(header(0x21, 0x11, ipv4(), tlv(0x03, new byte[3])), "v2 CRC32C TLV of 3 bytes, not 4");
        bad(header(0x21, 0x11, ipv4(), tlv(0x03, new byte[5])), "v2 CRC32C TLV of 5 bytes, not 4");
    }

    @Test
    void refusesATypeItReadsTwice() {
        bad(header(0x21, 0x11, ipv4(), tlv(0x01, "h2"), tlv(0x01, "h2")), "v2 ALPN TLV appears twice");
        bad(header(0x21, 0x11, ipv4(), tlv(0x02, "a"), tlv(0x02, "b")), "v2 AUTHORITY TLV appears twice");
        bad(header(0x21, 0x11, ipv4(), tlv(0x05, "a"), tlv(0x05, "")), "v2 UNIQUE_ID TLV appears twice");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, new byte[5]), tlv(0x20, new byte[5])), "v2 SSL TLV appears twice");
        bad(header(0x21, 0x11, ipv4(), tlv(0x30, "a"), tlv(0x30, "a")), "v2 NETNS TLV appears twice");
        bad(header(0x21, 0x11, ipv4(), crcTlv(), crcTlv()), "v2 CRC32C TLV appears twice");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, concat(new byte[] {1, 0, 0, 0, 0}, tlv(0x23, "A"), tlv(0x23, "A")))),
                "v2 SSL CIPHER sub-TLV appears twice");
    }

    @Test
    void takesOnlyPrintableAsciiTexts() {
        bad(header(0x21, 0x11, ipv4(), tlv(0x01, "")), "v2 ALPN TLV is empty");
        bad(header(0x21, 0x11, ipv4(), tlv(0x01, "x".repeat(256))), "v2 ALPN TLV of 256 bytes, over 255");
        bad(header(0x21, 0x11, ipv4(), tlv(0x01, new byte[] {2, 'h', '2'})),
                "v2 ALPN TLV with a space or a byte outside printable ASCII");
        bad(header(0x21, 0x11, ipv4(), tlv(0x02, "example.org\r\nX-Forged: 1")),
                "v2 AUTHORITY TLV with a space or a byte outside printable ASCII");
        bad(header(0x21, 0x11, ipv4(), tlv(0x02, "b\u00fccher.example")),
                "v2 AUTHORITY TLV with a space or a byte outside printable ASCII");
        bad(header(0x21, 0x11, ipv4(), tlv(0x02, "a b")),
                "v2 AUTHORITY TLV with a space or a byte outside printable ASCII");
        bad(header(0x21, 0x11, ipv4(), tlv(0x02, "x\0")),
                "v2 AUTHORITY TLV with a space or a byte outside printable ASCII");
        complete(header(0x21, 0x11, ipv4(), tlv(0x02, "x".repeat(255))));
        bad(header(0x21, 0x11, ipv4(), tlv(0x30, "../../etc")), "v2 NETNS TLV is not a namespace name");
        bad(header(0x21, 0x11, ipv4(), tlv(0x30, "..")), "v2 NETNS TLV is not a namespace name");
        bad(header(0x21, 0x11, ipv4(), tlv(0x30, "\u007f")), "v2 NETNS TLV with a space or a byte outside printable ASCII");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, concat(new byte[] {1, 0, 0, 0, 0}, tlv(0x22, "Jane\tClient")))),
                "v2 SSL CN sub-TLV with a byte outside printable ASCII");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, concat(new byte[] {1, 0, 0, 0, 0}, tlv(0x22, "J\u00f6rg")))),
                "v2 SSL CN sub-TLV with a byte outside printable ASCII");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, concat(new byte[] {1, 0, 0, 0, 0}, tlv(0x21, "TLS v1")))),
                "v2 SSL VERSION sub-TLV with a space or a byte outside printable ASCII");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, concat(new byte[] {1, 0, 0, 0, 0}, tlv(0x24, "")))),
                "v2 SSL SIG_ALG sub-TLV is empty");
    }

    @Test
    void refusesAnSslTlvThatContradictsItself() {
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, new byte[4])), "v2 SSL TLV of 4 bytes, short of 5");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, new byte[] {0x08, 0, 0, 0, 0})), "v2 SSL TLV with unknown client flags");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, new byte[] {(byte) 0x81, 0, 0, 0, 0})),
                "v2 SSL TLV with unknown client flags");
        bad(header(0x21, 0x11, ipv4(), tlv(0x20, concat(new byte[] {6, 0, 0, 0, 0}, tlv(0x22, "Jane")))),
                "v2 SSL TLV with details but without the SSL flag");
    }

    @Test
    void refusesAUniqueIdOver128Bytes() {
        complete(header(0x21, 0x11, ipv4(), tlv(0x05, new byte[128])));
        bad(header(0x21, 0x11, ipv4(), tlv(0x05, new byte[129])), "v2 UNIQUE_ID TLV of 129 bytes, over 128");
    }

    @Test
    void promisesNoMoreThanTheShortestHeaderCouldStillNeed() {
        var tcp4 = header(0x21, 0x11, ipv4(), tlv(0x01, "h2"));
        assertEquals(new Parsed.Partial(4), ProxyParser.parse(tcp4, 12, Accept.V2));
        assertEquals(new Parsed.Partial(3), ProxyParser.parse(tcp4, 13, Accept.V2));
        assertEquals(new Parsed.Partial(2 + 12), ProxyParser.parse(tcp4, 14, Accept.V2));
        assertEquals(new Parsed.Partial(1 + 12), ProxyParser.parse(tcp4, 15, Accept.ANY));
        assertEquals(new Parsed.Partial(12 + 5), ProxyParser.parse(tcp4, 16, Accept.V2));
        // LOCAL with no address: the 16 bytes are the whole header.
        assertEquals(new Parsed.Partial(3), ProxyParser.parse(header(0x20, 0x00), 13, Accept.V2));
        assertEquals(new Parsed.Partial(1), ProxyParser.parse(header(0x20, 0x00), 15, Accept.ANY));
        // Reads: the fixed part, then the rest (V2); or 15, 1 + the address block, then the TLVs (ANY).
        assertEquals(2, Reads.of(concat(tcp4, DATA), Accept.V2).reads());
        assertEquals(3, Reads.of(concat(tcp4, DATA), Accept.ANY).reads());
        assertEquals(2, Reads.of(concat(header(0x21, 0x11, ipv4()), DATA), Accept.ANY).reads());
    }
}
