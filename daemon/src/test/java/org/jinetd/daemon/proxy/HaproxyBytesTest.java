package org.jinetd.daemon.proxy;

import static org.jinetd.daemon.proxy.V1LineTest.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;
import org.junit.jupiter.api.Test;

/**
 * Headers haproxy 2.6 wrote (Debian's 2.6.12), captured byte for byte: what it sends reads as
 * it meant, and what {@link ProxyWriter} writes for the same connection is the same bytes.
 */
class HaproxyBytesTest {
    /**
     * send-proxy-v2-ssl-cn with proxy-v2-options ssl,cert-cn,ssl-cipher,cert-sig,cert-key,authority,crc32c,unique-id,
     * for a client 192.0.2.1:56324 that reached 198.51.100.2:443 over TLS 1.3 with ALPN h2, SNI
     * www.example.org and a verified certificate for "Jane Client"; unique-id-format id-%rt-x.
     */
    static final String TLS = "0d0a0d0a000d0a515549540a21110088c0000201c6336402dc0401bb0300044b34c41e010002683202000f"
            + "7777772e6578616d706c652e6f726705000669642d312d782000520700000000210007544c5376312e3322000b4a616e6520"
            + "436c69656e74250005454332353624001165636473612d776974682d534841323536230016544c535f4145535f3235365f47"
            + "434d5f534841333834";
    /** send-proxy (v1), for 2001:db8::1:56324 to 2001:db8:0:0:1::2:443. */
    static final String V1_TCP6 = "PROXY TCP6 2001:db8::1 2001:db8::1:0:0:2 56324 443\r\n";
    /** send-proxy-v2 for 2001:db8::1:56324 to ::ffff:198.51.100.2:443. */
    static final String MIXED = "0d0a0d0a000d0a515549540a2121002420010db800000000000000000000000100000000000000000000ffff"
            + "c6336402dc0401bb";
    /** send-proxy-v2 with proxy-v2-options unique-id,crc32c and no unique-id-format, for a PROXY UNKNOWN client. */
    static final String UNKNOWN_CLIENT = "0d0a0d0a000d0a515549540a2000000a030004826374b8050000";
    /** A health check with check-send-proxy on a send-proxy-v2 server. */
    static final String HEALTH_CHECK = "0d0a0d0a000d0a515549540a20000000";

    private static ProxyHeader parse(byte[] bytes) {
        var parsed = (Parsed.Complete) ProxyParser.parse(bytes, bytes.length, Accept.ANY);
        assertEquals(bytes.length, parsed.length());
        return parsed.header();
    }

    @Test
    void readsTheTlsTlvsAndWritesTheSameBytes() throws Exception {
        var bytes = HexFormat.of().parseHex(TLS);
        var ssl = new Ssl(Ssl.CLIENT_SSL | Ssl.CLIENT_CERT_CONN | Ssl.CLIENT_CERT_SESS, true, Optional.of("TLSv1.3"),
                Optional.of("TLS_AES_256_GCM_SHA384"), Optional.of("ecdsa-with-SHA256"), Optional.of("EC256"),
                Optional.of("Jane Client"));
        var tlvs = new Tlvs(Optional.of("h2"), Optional.of("www.example.org"),
                Optional.of("id-1-x".getBytes(StandardCharsets.US_ASCII)), Optional.of(ssl), Optional.empty());
        var header = new ProxyHeader.Inet(2, at("192.0.2.1", 56324), at("198.51.100.2", 443), tlvs);
        assertEquals(header, parse(bytes));
        // The same layout, TLV order and CRC32c as haproxy's.
        assertArrayEquals(bytes, ProxyWriter.v2(header.source(), header.destination(), tlvs, true));
        assertEquals(2, Reads.of(bytes, Accept.V2).reads());
        assertEquals(3, Reads.of(bytes, Accept.ANY).reads());
    }

    @Test
    void readsAnIpv6LineAndWritesTheSameLine() throws Exception {
        var bytes = V1_TCP6.getBytes(StandardCharsets.US_ASCII);
        var header = new ProxyHeader.Inet(1, at("2001:db8::1", 56324), at("2001:db8:0:0:1::2", 443), Tlvs.NONE);
        assertEquals(header, parse(bytes));
        assertArrayEquals(bytes, ProxyWriter.v1(header.source(), header.destination()));
    }

    @Test
    void readsMixedFamiliesAsHaproxyMapsThem() throws Exception {
        var bytes = HexFormat.of().parseHex(MIXED);
        var header = new ProxyHeader.Inet(2, at("2001:db8::1", 56324), at("198.51.100.2", 443), Tlvs.NONE);
        assertEquals(header, parse(bytes));
        assertArrayEquals(bytes, ProxyWriter.v2(header.source(), header.destination(), Tlvs.NONE, false));
    }

    @Test
    void readsLocalHeaders() {
        assertEquals(new ProxyHeader.Local(2, Tlvs.NONE), parse(HexFormat.of().parseHex(UNKNOWN_CLIENT)));
        assertEquals(new ProxyHeader.Local(2, Tlvs.NONE), parse(HexFormat.of().parseHex(HEALTH_CHECK)));
    }
}
