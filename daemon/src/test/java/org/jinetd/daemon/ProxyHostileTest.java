package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a balancer of the table's, or anyone else, can send a listener with {@code proxy:}.
 * Each bad header ends in one line that says what was wrong, the connection closed, nothing
 * held: no live connection, its place in {@code max_connections} and {@code instances} free
 * for the next client, and no program started for it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyHostileTest {
    /** One place in all, one for the service: a connection that held on to either would keep the next out. */
    private static final String TABLE = """
            max_connections: 1
            services:
              x: {bind: 127.0.0.1, handler: peer-report, instances: 1, proxy: {from: [127.0.0.1], timeout: 500ms}}
            """;
    private static final String TIMEOUT = "no whole header within 500ms";
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** 192.0.2.1:56324 to 198.51.100.2:443. */
    static final byte[] IPV4 = {(byte) 192, 0, 2, 1, (byte) 198, 51, 100, 2, (byte) 0xdc, 0x04, 0x01, (byte) 0xbb};

    @TempDir
    Path dir;

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (var part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A v2 header: the signature, version and command, family and transport, the length of {@code body}, then it. */
    static byte[] v2(int versionCommand, int family, byte[]... body) {
        var rest = concat(body);
        return concat(SIGNATURE, new byte[] {(byte) versionCommand, (byte) family, (byte) (rest.length >> 8),
                (byte) rest.length}, rest);
    }

    private static byte[] tlv(int type, byte[] value) {
        return concat(new byte[] {(byte) type, (byte) (value.length >> 8), (byte) value.length}, value);
    }

    /** A v2 header of 192.0.2.1:56324 with a CRC32C TLV that is off by one bit. */
    private static byte[] wrongCrc() {
        var header = v2(0x21, 0x11, IPV4, tlv(0x03, new byte[4]));
        var crc = new CRC32C();
        crc.update(header);
        long value = crc.getValue() ^ 1;
        for (int i = 0; i < 4; i++) {
            header[header.length - 4 + i] = (byte) (value >> (24 - 8 * i));
        }
        return header;
    }

    static Stream<Arguments> badHeaders() {
        var fixedIpv4 = v2(0x21, 0x11, IPV4);
        return Stream.of(
                arguments("silence", new byte[0], false, TIMEOUT),
                arguments("a close before any byte", new byte[0], true, "closed before a header"),
                arguments("108 bytes without CRLF", ascii("PROXY UNKNOWN " + "x".repeat(94)), false,
                        "v1 line without CRLF in 107 bytes"),
                arguments("a v1 address past 255", ascii("PROXY TCP4 192.0.2.256 127.0.0.1 56324 80\r\n"), false,
                        "v1 source address has an octet above 255"),
                arguments("a v1 IPv6 address in a TCP4 line", ascii("PROXY TCP4 ::1 127.0.0.1 56324 80\r\n"),
                        false, "v1 source address is not an IPv4 address"),
                arguments("a v1 port past 65535", ascii("PROXY TCP4 192.0.2.1 127.0.0.1 65536 80\r\n"), false,
                        "v1 source port is above 65535"),
                arguments("a v1 destination port past 65535", ascii("PROXY TCP4 192.0.2.1 127.0.0.1 56324 99999\r\n"),
                        false, "v1 destination port is above 65535"),
                arguments("a v1 line ending in LF alone", ascii("PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\n"), false,
                        "v1 line ends in LF without CR"),
                arguments("a v1 line of another protocol", ascii("PROXY UDP4 192.0.2.1 127.0.0.1 56324 80\r\n"), false,
                        "v1 protocol is not TCP4, TCP6 or UNKNOWN"),
                arguments("a client that speaks first", ascii("GET / HTTP/1.0\r\n\r\n"), false, "not a PROXY header"),
                arguments("a v2 signature cut short, then silence", java.util.Arrays.copyOf(SIGNATURE, 8), false,
                        TIMEOUT),
                arguments("a v2 signature cut short, then a close", java.util.Arrays.copyOf(SIGNATURE, 8), true,
                        "closed within its header"),
                arguments("v2 addresses cut short, then silence", java.util.Arrays.copyOf(fixedIpv4, 22), false,
                        TIMEOUT),
                arguments("v2 addresses cut short, then a close", java.util.Arrays.copyOf(fixedIpv4, 22), true,
                        "closed within its header"),
                // A NOOP TLV of 200 bytes, of which 50 come.
                arguments("a v2 length past the bytes sent",
                        java.util.Arrays.copyOf(v2(0x21, 0x11, IPV4, tlv(0x04, new byte[200])), 28 + 3 + 50), false,
                        TIMEOUT),
                arguments("a v2 length past 4096 bytes", concat(SIGNATURE, new byte[] {0x21, 0x11, (byte) 0xff, (byte) 0xff}),
                        false, "v2 header longer than 4096 bytes"),
                arguments("a v2 length short of its addresses", concat(SIGNATURE, new byte[] {0x21, 0x11, 0, 4}, IPV4), false,
                        "v2 length 4 is short of the 12-byte IPv4 address block"),
                arguments("a v2 version 3", v2(0x31, 0x11, IPV4), false, "v2 signature with version 3"),
                arguments("v2 datagrams", v2(0x21, 0x12, IPV4), false, "v2 IPv4 datagrams on a stream listener"),
                arguments("a v2 CRC32C that does not match", wrongCrc(), false, "v2 CRC32C does not match the header"),
                arguments("a v2 AUTHORITY with a line break in it", v2(0x21, 0x11, IPV4, tlv(0x02,
                        ascii("example.org\nWARN service=x refused=forged"))), false,
                        "v2 AUTHORITY TLV with a space or a byte outside printable ASCII"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void aBadHeaderIsOneLineAndHoldsNothing(String what, byte[] sent, boolean close, String error) throws Exception {
        try (var d = TestDaemon.start(TABLE)) {
            String me;
            // Before connect: the daemon's clock starts at its accept, which may come before connect returns here.
            long connected = System.nanoTime();
            try (var client = Clients.connect(d.port("x"))) {
                me = "127.0.0.1:" + client.getLocalPort();
                client.getOutputStream().write(sent);
                if (close) {
                    client.shutdownOutput();
                }
                assertClosed(client);
                if (error.equals(TIMEOUT)) {
                    // Held until the timeout, and not a moment less.
                    assertTrue(System.nanoTime() - connected >= TimeUnit.MILLISECONDS.toNanos(500), what);
                }
            }
            assertEquals("service=x peer=" + me + " refused=proxy error=\"" + error + "\"", d.awaitLog("peer=" + me), what);
            assertHoldsNothing(d, me);
        }
    }

    /** Sends {@code bytes} and half-closes; returns all that comes back, a char a byte. */
    static String exchange(Socket client, byte[] bytes) throws IOException {
        client.getOutputStream().write(bytes);
        client.shutdownOutput();
        return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** The client sees the connection closed: its end of stream, or a reset where it had sent more than was read. */
    static void assertClosed(Socket client) throws IOException {
        try {
            assertEquals(-1, client.getInputStream().read());
        } catch (SocketException e) {
            assertEquals("Connection reset", e.getMessage());
        }
    }

    /**
     * Once the connection of {@code me} has its line, it is the only line of it, nothing is live,
     * and the next client, with a good header, is served in the one place there is.
     */
    private static void assertHoldsNothing(TestDaemon d, String me) throws Exception {
        assertTrue(d.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(0, d.daemon().live());
        try (var next = Clients.connect(d.port("x"))) {
            assertEquals("peer=192.0.2.1:56324 via=127.0.0.1:" + next.getLocalPort() + "\nnext\n", ProxyTest.exchange(next,
                    "PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\nnext\n"));
        }
        d.awaitLog("peer=192.0.2.1:56324");
        assertEquals(1, d.log().stream().filter(l -> l.contains("peer=" + me + " ")).count(), String.join("\n", d.log()));
    }

    @Test
    void aResetWithinTheHeaderIsOneLineAndHoldsNothing() throws Exception {
        try (var d = TestDaemon.start(TABLE)) {
            for (var sent : java.util.List.of(java.util.Arrays.copyOf(SIGNATURE, 8), ascii("PROXY TCP4 192.0.2.1 "))) {
                String me;
                try (var client = Clients.connect(d.port("x"))) {
                    me = "127.0.0.1:" + client.getLocalPort();
                    client.getOutputStream().write(sent);
                    // Once the daemon reads: then the reset finds it waiting for the rest.
                    assertTrue(d.awaitLive(1, Duration.ofSeconds(30)));
                    client.setSoLinger(true, 0);
                }
                var line = d.awaitLog("peer=" + me);
                assertTrue(line.equals("service=x peer=" + me + " refused=proxy error=\"reset within its header\"")
                        // The reset came before the daemon read the bytes: they are lost with it.
                        || line.equals("service=x peer=" + me + " refused=proxy error=\"reset before a header\""), line);
                assertHoldsNothing(d, me);
            }
        }
    }

    @Test
    void aHeaderSentAByteAtATimeHasTheTimeoutForAllOfIt() throws Exception {
        try (var d = TestDaemon.start(TABLE)) {
            String me;
            try (var client = Clients.connect(d.port("x"))) {
                me = "127.0.0.1:" + client.getLocalPort();
                var line = ascii("PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\n");
                // Every byte well within the timeout of the one before: 4.4 s for the line, 0.5 s allowed for all of it.
                try {
                    for (byte b : line) {
                        client.getOutputStream().write(b);
                        Thread.sleep(100); // the client's pace, not a synchronisation
                    }
                } catch (SocketException e) {
                    // Closed by the daemon under the writes: what is wanted.
                }
                assertClosed(client);
            }
            assertEquals("service=x peer=" + me + " refused=proxy error=\"" + TIMEOUT + "\"", d.awaitLog("peer=" + me));
            assertHoldsNothing(d, me);
        }
    }

    @Test
    void aHeaderThatComesWithTheConnectionIsReadAtAcceptAndOneThatLagsOnItsOwnThread() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  x: {bind: 127.0.0.1, handler: replying, options: {bytes: thread}, defer_accept: 30s,
                      proxy: {from: [127.0.0.1], timeout: 1h}}
                """)) {
            // With defer_accept, the kernel hands the connection over with its first bytes: the
            // whole header, the reply is sent from the listener's thread, as without a header.
            // (The last, with 400 bytes of NOOP TLV, is longer than the first look at what came.)
            for (var header : List.of(ascii("PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\n"), v2(0x21, 0x11, IPV4),
                    v2(0x21, 0x11, IPV4, tlv(0x04, new byte[400])))) {
                try (var client = Clients.connect(d.port("x"))) {
                    client.getOutputStream().write(header);
                    assertEquals("platform", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                }
            }
            // Half of it: the rest is waited for on the connection's own thread.
            try (var client = Clients.connect(d.port("x"))) {
                var me = "127.0.0.1:" + client.getLocalPort();
                client.getOutputStream().write(ascii("PROXY TCP4 192.0"));
                assertTrue(d.awaitLive(1, Duration.ofSeconds(30)));
                client.getOutputStream().write(ascii(".2.1 127.0.0.1 56324 80\r\n"));
                assertEquals("virtual", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                assertTrue(d.awaitLog("via=" + me).startsWith("service=x peer=192.0.2.1:56324 via=" + me), me);
            }
        }
    }

    @Test
    void aStopEndsAConnectionThatWaitsForItsHeaderAtOnceAndSaysSo() throws Exception {
        var d = TestDaemon.start("""
                shutdown_grace: 100ms
                services:
                  x: {bind: 127.0.0.1, handler: peer-report, proxy: {from: [127.0.0.1], timeout: 1h}}
                """);
        try (var client = Clients.connect(d.port("x"))) {
            var me = "127.0.0.1:" + client.getLocalPort();
            client.getOutputStream().write(ascii("PROXY TCP4 "));
            assertTrue(d.awaitLive(1, Duration.ofSeconds(30)));
            d.close();
            assertClosed(client);
            assertTrue(d.awaitLog("peer=" + me).matches("service=x peer=" + Pattern.quote(me)
                    + " reason=stop duration=\\S+"), String.join("\n", d.log()));
            assertEquals(0, d.daemon().live());
        }
    }

    @Test
    void aBalancerOfAnIpv4AddressIsTrustedOnAnIpv6Wildcard() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  x: {bind: '::', handler: peer-report, proxy: {from: [127.0.0.1]}}
                """);
             var balancer = Clients.connect(d.port("x"))) {
            assertEquals("peer=192.0.2.1:56324 via=127.0.0.1:" + balancer.getLocalPort() + "\nserved\n",
                    ProxyTest.exchange(balancer, "PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\nserved\n"));
            assertTrue(d.awaitLog("service=x ").matches("service=x peer=192\\.0\\.2\\.1:56324 via=127\\.0\\.0\\.1:"
                    + balancer.getLocalPort() + " duration=\\S+"));
        }
    }

    @Test
    void aClientOutsideFromIsRefusedBeforeAByteIsRead() throws Exception {
        // An hour to send its header: only a refusal before reading can close it within the test.
        try (var d = TestDaemon.start("""
                services:
                  x: {bind: 127.0.0.1, handler: peer-report, proxy: {from: [127.0.0.2/32], timeout: 1h}}
                """)) {
            String me;
            try (var client = Clients.connect(d.port("x"))) {
                me = "127.0.0.1:" + client.getLocalPort();
                assertClosed(client);
            }
            assertEquals("service=x peer=" + me + " refused=proxy_source", d.awaitLog("peer=" + me));
            assertTrue(d.awaitIdle(Duration.ofSeconds(30)));
            try (var balancer = ProxyTest.from("127.0.0.2", d.port("x"))) {
                assertEquals("peer=192.0.2.1:56324 via=127.0.0.2:" + balancer.getLocalPort() + "\nserved\n",
                        ProxyTest.exchange(balancer, "PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\nserved\n"));
            }
        }
    }

    @Test
    void aHeaderOfTheOtherVersionIsRefusedWhereOneIsNamed() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  one: {bind: 127.0.0.1, handler: peer-report, proxy: {from: [127.0.0.1], version: 1}}
                  two: {bind: 127.0.0.1, handler: peer-report, proxy: {from: [127.0.0.1], version: 2}}
                """)) {
            try (var client = Clients.connect(d.port("two"))) {
                client.getOutputStream().write(ascii("PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\n"));
                assertClosed(client);
                assertEquals("service=two peer=127.0.0.1:" + client.getLocalPort()
                        + " refused=proxy error=\"v1 line on a v2 listener\"", d.awaitLog("service=two "));
            }
            try (var client = Clients.connect(d.port("one"))) {
                client.getOutputStream().write(v2(0x21, 0x11, IPV4));
                assertClosed(client);
                assertEquals("service=one peer=127.0.0.1:" + client.getLocalPort()
                        + " refused=proxy error=\"v2 header on a v1 listener\"", d.awaitLog("service=one "));
            }
        }
    }

    @Test
    void aLocalHeaderOrAnUnknownClientIsServedAsTheBalancerItself() throws Exception {
        try (var d = TestDaemon.start(TABLE)) {
            for (var header : java.util.List.of(v2(0x20, 0x00), v2(0x20, 0x11, IPV4), v2(0x21, 0x00),
                    ascii("PROXY UNKNOWN\r\n"), ascii("PROXY UNKNOWN 192.0.2.1 127.0.0.1 56324 80\r\n"))) {
                try (var balancer = Clients.connect(d.port("x"))) {
                    var me = "127.0.0.1:" + balancer.getLocalPort();
                    assertEquals("peer=" + me + " via=-\nhealth\n", exchange(balancer, concat(header, ascii("health\n"))));
                    assertTrue(d.awaitLog("peer=" + me).matches("service=x peer=" + Pattern.quote(me)
                            + " duration=\\S+"));
                }
                assertTrue(d.awaitIdle(Duration.ofSeconds(30)));
            }
        }
    }

    /** A v2 header naming a client of a unix socket at {@code source}, reaching {@code destination}. */
    private static byte[] unixClient(String source, String destination) {
        var paths = new byte[216];
        System.arraycopy(ascii(source), 0, paths, 0, source.length());
        System.arraycopy(ascii(destination), 0, paths, 108, destination.length());
        return v2(0x21, 0x31, paths);
    }

    @Test
    void aClientOfAUnixSocketHasNoAddressInOnlyFrom() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  only: {bind: 127.0.0.1, handler: peer-report, only_from: [127.0.0.0/8], proxy: {from: [127.0.0.1]}}
                  open: {bind: 127.0.0.1, handler: peer-report, no_access: [192.0.2.0/24], proxy: {from: [127.0.0.1]}}
                """)) {
            try (var balancer = Clients.connect(d.port("only"))) {
                assertEquals("", exchange(balancer, concat(unixClient("/run/client.sock", "/run/haproxy.sock"),
                        ascii("let me in\n"))));
                assertEquals("service=only peer=/run/client.sock via=127.0.0.1:" + balancer.getLocalPort()
                        + " refused=only_from", d.awaitLog("service=only "));
            }
            // no_access names addresses, and a unix client has none that it could name.
            try (var balancer = Clients.connect(d.port("open"))) {
                assertEquals("peer=/run/client.sock via=127.0.0.1:" + balancer.getLocalPort() + "\nin\n",
                        exchange(balancer, concat(unixClient("/run/client.sock", "/run/haproxy.sock"), ascii("in\n"))));
                assertTrue(d.awaitLog("service=open ").matches("service=open peer=/run/client.sock via=127\\.0\\.0\\.1:"
                        + balancer.getLocalPort() + " duration=\\S+"));
            }
        }
    }

    /**
     * The clients of a balancer's unix socket have no address of their own: for per_source and
     * rate_per_source they are one source, the balancer, and never uncounted.
     */
    @Test
    void theClientsOfABalancersUnixSocketCountAsOneSourceTheBalancer() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  echo: {bind: 127.0.0.1, handler: echo, per_source: 1, proxy: {from: [127.0.0.1]}}
                """)) {
            try (var held = Clients.connect(d.port("echo"))) {
                held.getOutputStream().write(concat(unixClient("/run/a.sock", "/run/haproxy.sock"), ascii("held\n")));
                // Its line back: it is served, and holds the one place of its source.
                assertEquals("held\n", new String(held.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                try (var second = Clients.connect(d.port("echo"))) {
                    assertEquals("", exchange(second, concat(unixClient("/run/b.sock", "/run/haproxy.sock"),
                            ascii("second\n"))));
                    assertEquals("service=echo peer=/run/b.sock via=127.0.0.1:" + second.getLocalPort()
                            + " refused=per_source", d.awaitLog("peer=/run/b.sock"));
                }
            }
            assertTrue(d.awaitIdle(Duration.ofSeconds(30)));
            try (var after = Clients.connect(d.port("echo"))) {
                assertEquals("again\n", exchange(after, concat(unixClient("/run/b.sock", "/run/haproxy.sock"),
                        ascii("again\n"))));
            }
        }
    }

    @Test
    void aProgramGetsWhatTheHeaderSaidAndNothingOfALocalOne() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  env: {bind: 127.0.0.1, user: root, proxy: {from: [127.0.0.1]}, exec: [/bin/sh, -c,
                        'echo "$TCPREMOTEIP $TCPREMOTEPORT $REMOTE_ADDR $REMOTE_PORT $PROXY_PEER_IP $PROXY_PEER_PORT
                        ${PROXY_AUTHORITY-none} ${PROXY_ALPN-none} ${PROXY_UNIQUE_ID-none}"']}
                """)) {
            var tlvs = concat(tlv(0x01, ascii("h2")), tlv(0x02, ascii("www.example.org")));
            // An id of bytes that are not text is given as hex; one of printable ASCII as it is.
            for (var id : java.util.List.of(new byte[] {0, 1, (byte) 0xfe}, ascii("id-42"))) {
                try (var balancer = Clients.connect(d.port("env"))) {
                    var shown = id.length == 3 ? "0001fe" : "id-42";
                    assertEquals("192.0.2.1 56324 192.0.2.1 56324 127.0.0.1 " + balancer.getLocalPort()
                            + " www.example.org h2 " + shown + "\n", exchange(balancer, v2(0x21, 0x11, IPV4, tlvs,
                            tlv(0x05, id))));
                }
            }
            try (var balancer = Clients.connect(d.port("env"))) {
                assertEquals("127.0.0.1 " + balancer.getLocalPort() + " 127.0.0.1 " + balancer.getLocalPort()
                        + "   none none none\n", exchange(balancer, v2(0x20, 0x11, IPV4, tlvs)));
            }
        }
    }

    @Test
    void aSecondHeaderIsTheClientsDataToAHandlerAndToAProgram() throws Exception {
        var second = "PROXY TCP4 198.51.100.7 127.0.0.1 1234 80\r\n";
        try (var d = TestDaemon.start("""
                services:
                  handler: {bind: 127.0.0.1, handler: peer-report, proxy: {from: [127.0.0.1]}}
                  program: {bind: 127.0.0.1, user: root, exec: [/bin/sh, -c, 'echo "$TCPREMOTEIP $TCPREMOTEPORT"; exec cat'],
                            proxy: {from: [127.0.0.1]}}
                """)) {
            try (var client = Clients.connect(d.port("handler"))) {
                assertEquals("peer=192.0.2.1:56324 via=127.0.0.1:" + client.getLocalPort() + "\n" + second + "data\n",
                        ProxyTest.exchange(client, "PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\n" + second + "data\n"));
            }
            try (var client = Clients.connect(d.port("program"))) {
                // Header, second header and data in one write: the program starts at the byte after the first.
                var sent = concat(v2(0x21, 0x11, IPV4), v2(0x21, 0x11, IPV4), ascii("data\n"));
                client.getOutputStream().write(sent);
                client.shutdownOutput();
                var got = client.getInputStream().readAllBytes();
                assertEquals("192.0.2.1 56324\n" + new String(concat(v2(0x21, 0x11, IPV4), ascii("data\n")),
                        StandardCharsets.ISO_8859_1), new String(got, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void aFloodOfSilentConnectionsFromABalancerHoldsEachUntilTheTimeoutAndStartsNoProgram() throws Exception {
        int flood = 40;
        var spawned = dir.resolve("spawned");
        try (var d = TestDaemon.start("""
                services:
                  x: {bind: 127.0.0.1, user: root, exec: [/bin/sh, -c, 'echo spawned >> %s'],
                      proxy: {from: [127.0.0.1], timeout: 1s}}
                """.formatted(spawned))) {
            var clients = new ArrayList<Socket>();
            try {
                long start = System.nanoTime();
                for (int i = 0; i < flood; i++) {
                    clients.add(Clients.connect(d.port("x")));
                }
                // Every one of them waits for its header at once, none for another's.
                assertTrue(d.awaitLive(flood, Duration.ofSeconds(30)), "live: " + d.daemon().live());
                for (var client : clients) {
                    assertClosed(client);
                }
                assertTrue(System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(1));
            } finally {
                for (var client : clients) {
                    client.close();
                }
            }
            assertTrue(d.awaitIdle(Duration.ofSeconds(30)));
            // Each was counted before it left: once none is live, all are.
            assertEquals(Long.valueOf(flood), d.daemon().log().tally().of("x").refused().get("proxy"));
            assertFalse(Files.exists(spawned), "a program was started");
            assertTrue(d.log().stream().noneMatch(l -> l.contains(" pid=")), String.join("\n", d.log()));
            assertEquals(0, d.daemon().children());
        }
    }
}
