package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a client's first bytes say, read from real ClientHellos (the JDK's) and hand-made old ones. */
class HelloTest {
    @Test
    void aJdkHelloOffersItsVersionsAndAsksForItsName() throws Exception {
        var both = ByteBuffer.wrap(ClientHellos.jdkHello("www.Example.org", "TLSv1.3", "TLSv1.2"));
        assertEquals(Optional.empty(), Hello.sniff(both));
        assertEquals(Optional.of(List.of(0x0304, 0x0303)), Hello.versions(both));
        assertEquals(Optional.of("www.example.org"), Hello.serverName(both));
        assertEquals(0, both.position(), "nothing is consumed");
        var twelve = ByteBuffer.wrap(ClientHellos.jdkHello(null, "TLSv1.2"));
        assertEquals(Optional.of(List.of(0x0303)), Hello.versions(twelve));
        assertEquals(Optional.empty(), Hello.serverName(twelve));
    }

    @Test
    void oldHellosOfferTheirOneVersion() {
        assertEquals(Optional.of(List.of(0x0300)), Hello.versions(ByteBuffer.wrap(ClientHellos.sslv3Hello())));
        assertEquals(Optional.of(List.of(0x0302)), Hello.versions(ByteBuffer.wrap(ClientHellos.oldHello(0x0302))));
        assertEquals(Optional.of(Failure.PROTOCOL), Hello.sniff(ByteBuffer.wrap(ClientHellos.sslv2Hello())));
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
        var hello = ClientHellos.jdkHello("www.example.org", "TLSv1.3");
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
