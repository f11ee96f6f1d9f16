package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** What a client's first bytes say, read from real ClientHellos (the JDK's) and hand-made old ones. */
class HelloTest {
    /** The first record a JDK client sends, with these protocols and this SNI name. */
    static byte[] jdkHello(String host, String... protocols) throws Exception {
        var engine = SSLContext.getDefault().createSSLEngine();
        engine.setUseClientMode(true);
        var parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        if (host != null) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        var out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        var bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /** An SSLv3 ClientHello, as clients of the 1990s sent it: no extensions. */
    static byte[] sslv3Hello() {
        return oldHello(0x0300);
    }

    /** A hello of {@code version} (TLS 1.0 is 0x0301) without supported_versions. */
    static byte[] oldHello(int version) {
        var body = ByteBuffer.allocate(64);
        body.putShort((short) version).put(new byte[32]).put((byte) 0)
                .putShort((short) 4).putShort((short) 0x002f).putShort((short) 0x0035).put((byte) 1).put((byte) 0);
        body.flip();
        var record = ByteBuffer.allocate(9 + body.remaining());
        record.put((byte) 0x16).putShort((short) Math.min(version, 0x0301)).putShort((short) (4 + body.remaining()))
                .put((byte) 1).put((byte) 0).putShort((short) body.remaining()).put(body);
        return record.array();
    }

    /** SSLv2's CLIENT-HELLO, offering SSLv3 in SSLv2's framing. */
    static byte[] sslv2Hello() {
        var hello = ByteBuffer.allocate(30);
        hello.put((byte) 0x80).put((byte) 28).put((byte) 1).putShort((short) 0x0300).putShort((short) 3)
                .putShort((short) 0).putShort((short) 16).put(new byte[] {1, 0, (byte) 0x80}).put(new byte[16]);
        return hello.array();
    }

    @Test
    void aJdkHelloOffersItsVersionsAndAsksForItsName() throws Exception {
        var both = ByteBuffer.wrap(jdkHello("www.Example.org", "TLSv1.3", "TLSv1.2"));
        assertEquals(Optional.empty(), Hello.sniff(both));
        assertEquals(Optional.of(List.of(0x0304, 0x0303)), Hello.versions(both));
        assertEquals(Optional.of("www.example.org"), Hello.serverName(both));
        assertEquals(0, both.position(), "nothing is consumed");
        var twelve = ByteBuffer.wrap(jdkHello(null, "TLSv1.2"));
        assertEquals(Optional.of(List.of(0x0303)), Hello.versions(twelve));
        assertEquals(Optional.empty(), Hello.serverName(twelve));
    }

    @Test
    void oldHellosOfferTheirOneVersion() {
        assertEquals(Optional.of(List.of(0x0300)), Hello.versions(ByteBuffer.wrap(sslv3Hello())));
        assertEquals(Optional.of(List.of(0x0302)), Hello.versions(ByteBuffer.wrap(oldHello(0x0302))));
        assertEquals(Optional.of(Failure.PROTOCOL), Hello.sniff(ByteBuffer.wrap(sslv2Hello())));
    }

    @Test
    void plaintextAndNoiseAreNoTls() {
        for (var text : List.of("GET / HTTP/1.1\r\n", "POST /x HTTP/1.0\r\n", "SSH-2.0-OpenSSH\r\n", "\u0015\u0003\u0003")) {
            assertEquals(Optional.of(Failure.NOT_TLS), Hello.sniff(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1))), text);
        }
        assertEquals(Optional.of(Failure.NOT_TLS), Hello.sniff(ByteBuffer.wrap(new byte[] {0x16, 0x07, 0})));
    }

    @Test
    void aHelloCutShortOrLyingAboutItsLengthsSaysNothing() throws Exception {
        var hello = jdkHello("www.example.org", "TLSv1.3");
        for (int cut = 0; cut < hello.length; cut += 7) {
            var part = ByteBuffer.wrap(hello, 0, cut);
            assertEquals(Optional.empty(), Hello.versions(part), "cut at " + cut);
            assertEquals(Optional.empty(), Hello.serverName(part), "cut at " + cut);
        }
        // Every byte of it changed in turn: never an exception, never a read past the record.
        for (int at = 0; at < hello.length; at++) {
            for (int value : new int[] {0, 0xff, 0x7f}) {
                var bent = hello.clone();
                bent[at] = (byte) value;
                Hello.versions(ByteBuffer.wrap(bent));
                Hello.serverName(ByteBuffer.wrap(bent));
            }
        }
    }
}
