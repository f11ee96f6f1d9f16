package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a client sends after its balancer's header, in the same segment or later, reaches
 * what serves it whole, once and in order: whether the daemon takes the header and what came
 * with it in one read (a handler, pipes, a redirect) or exactly the header (a program that
 * inherits the socket), for a v1 line, a v2 header, and a v2 header longer than the first
 * read at accept, sent whole or cut within the header.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyReadAheadTest {
    /** What each service answers first: the client its header named. */
    private static final String PROGRAM = "192.0.2.1 56324\n";
    private static final byte[] IPV4 = ProxyHostileTest.IPV4;

    private static byte[] ascii(String text) {
        return ProxyHostileTest.ascii(text);
    }

    private static byte[] concat(byte[]... parts) {
        return ProxyHostileTest.concat(parts);
    }

    /** The headers: v1, v2, and v2 with 400 bytes of NOOP TLV, past the first read at accept. */
    private static List<byte[]> headers() {
        var tlv = concat(new byte[] {0x04, 400 >> 8, (byte) 400}, new byte[400]);
        return List.of(ascii("PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\n"), ProxyHostileTest.v2(0x21, 0x11, IPV4),
                ProxyHostileTest.v2(0x21, 0x11, IPV4, tlv));
    }

    /**
     * The client's data: a line, a second header (data, not a header, once the first is read),
     * and enough bytes that they cannot all come in the first read.
     */
    private static byte[] data() {
        var bulk = new byte[100_000];
        for (int i = 0; i < bulk.length; i++) {
            bulk[i] = (byte) ('a' + i % 26);
        }
        return concat(ascii("data\n"), ascii("PROXY TCP4 198.51.100.7 127.0.0.1 1234 80\r\n"), bulk);
    }

    @Test
    void whatFollowsTheHeaderReachesAHandlerPipesARedirectAndAProgramOnTheSocketWholeAndInOrder() throws Exception {
        try (var target = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo}}");
             var d = TestDaemon.start("""
                     services:
                       handler: {bind: 127.0.0.1, handler: peer-report, proxy: {from: [127.0.0.1]}}
                       bridge: {bind: 127.0.0.1, user: root, io: bridge, proxy: {from: [127.0.0.1]},
                                exec: [/bin/sh, -c, 'echo "$TCPREMOTEIP $TCPREMOTEPORT"; exec cat']}
                       inherit: {bind: 127.0.0.1, user: root, io: inherit, proxy: {from: [127.0.0.1]},
                                 exec: [/bin/sh, -c, 'echo "$TCPREMOTEIP $TCPREMOTEPORT"; exec cat']}
                       redirect: {bind: 127.0.0.1, redirect: '127.0.0.1:%d', proxy: {from: [127.0.0.1]}}
                     """.formatted(target.port("echo")))) {
            var data = data();
            for (var service : List.of("handler", "bridge", "inherit", "redirect")) {
                for (var header : headers()) {
                    // The header and the data in one write, the way a balancer relays a client that spoke at once.
                    assertServed(d, service, header, data, -1);
                    // Cut within the header: the rest is waited for, from what the first read took.
                    // And around the first read's 256 bytes, where the header is longer.
                    for (int cut : new int[] {3, 16, Math.min(header.length - 1, 300), 255, 256, 257}) {
                        if (cut < header.length) {
                            assertServed(d, service, header, data, cut);
                        }
                    }
                }
            }
        }
    }

    /** Sends {@code header} and {@code data} (in two writes, once the daemon holds the connection, where {@code cut} is set). */
    private static void assertServed(TestDaemon d, String service, byte[] header, byte[] data, int cut)
            throws Exception {
        var what = service + ", a header of " + header.length + " bytes" + (cut < 0 ? "" : " cut at " + cut);
        try (var client = Clients.connect(d.port(service))) {
            var me = "127.0.0.1:" + client.getLocalPort();
            var out = client.getOutputStream();
            var sent = concat(header, data);
            if (cut < 0) {
                out.write(sent);
            } else {
                out.write(Arrays.copyOf(sent, cut));
                out.flush();
                assertTrue(d.awaitLive(1, Duration.ofSeconds(30)), what);
                out.write(Arrays.copyOfRange(sent, cut, sent.length));
            }
            client.shutdownOutput();
            var got = client.getInputStream().readAllBytes();
            var first = switch (service) {
                case "handler" -> "peer=192.0.2.1:56324 via=" + me + "\n";
                case "redirect" -> "";
                default -> PROGRAM;
            };
            assertEquals(first.length() + data.length, got.length, what);
            assertEquals(first, new String(got, 0, first.length(), StandardCharsets.ISO_8859_1), what);
            assertTrue(Arrays.equals(data, Arrays.copyOfRange(got, first.length(), got.length)), what);
            assertTrue(d.awaitLog("via=" + me).startsWith("service=" + service + " peer=192.0.2.1:56324 via=" + me),
                    what);
        }
        assertTrue(d.awaitIdle(Duration.ofSeconds(30)), what);
    }

    @Test
    void aBadHeaderWithDataAfterItIsRefusedWithItsLineInEitherWayOfReading() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  handler: {bind: 127.0.0.1, handler: echo, proxy: {from: [127.0.0.1]}}
                  inherit: {bind: 127.0.0.1, user: root, exec: [/bin/cat], proxy: {from: [127.0.0.1]}}
                """)) {
            for (var service : List.of("handler", "inherit")) {
                try (var client = Clients.connect(d.port(service))) {
                    var me = "127.0.0.1:" + client.getLocalPort();
                    client.getOutputStream().write(concat(ascii("PROXY TCP4 192.0.2.256 127.0.0.1 56324 80\r\n"), data()));
                    ProxyHostileTest.assertClosed(client);
                    assertEquals("service=" + service + " peer=" + me
                            + " refused=proxy error=\"v1 source address has an octet above 255\"",
                            d.awaitLog("peer=" + me), service);
                }
            }
            assertTrue(d.awaitIdle(Duration.ofSeconds(30)));
        }
    }
}
