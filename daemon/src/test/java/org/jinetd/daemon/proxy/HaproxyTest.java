package org.jinetd.daemon.proxy;

import static org.jinetd.daemon.proxy.V1LineTest.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * haproxy itself on both sides: it reads the headers {@link ProxyWriter} writes (its accept-proxy,
 * CRC32C checked), and sends its own to a listener on a port from the OS, read here the daemon's
 * way, a read of exactly what the parser asks at a time, after which the socket holds exactly what
 * the client sent. haproxy's frontends listen on UNIX sockets, since it takes no port 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HaproxyTest {
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final byte[] DATA = "hello".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private final List<ServerSocket> servers = new java.util.ArrayList<>();
    private Process haproxy;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy is not installed");
        assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed");
        certificates();
        for (int i = 0; i < 4; i++) {
            var server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            server.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
            servers.add(server);
        }
        var config = """
                global
                  maxconn 64
                defaults
                  mode tcp
                  timeout connect 30s
                  timeout client 30s
                  timeout server 30s
                  timeout check 30s
                frontend v1out
                  bind unix@%1$s/v1out.sock accept-proxy
                  default_backend v1out
                backend v1out
                  server s 127.0.0.1:%2$d send-proxy
                frontend v2out
                  bind unix@%1$s/v2out.sock accept-proxy
                  default_backend v2out
                backend v2out
                  server s 127.0.0.1:%3$d send-proxy-v2 proxy-v2-options authority,crc32c
                frontend plain
                  bind unix@%1$s/plain.sock accept-proxy
                  default_backend tls
                backend tls
                  server b unix@%1$s/tls.sock send-proxy-v2 ssl verify none sni str(www.example.org) alpn h2,http/1.1 crt %1$s/client.pem
                frontend tls
                  bind unix@%1$s/tls.sock accept-proxy ssl crt %1$s/server.pem alpn h2,http/1.1 verify optional ca-file %1$s/ca.pem
                  unique-id-format id-%%ci
                  default_backend ssl
                backend ssl
                  server s 127.0.0.1:%4$d send-proxy-v2-ssl-cn proxy-v2-options ssl,cert-cn,ssl-cipher,cert-sig,cert-key,authority,crc32c,unique-id
                backend check
                  server s 127.0.0.1:%5$d send-proxy-v2 check check-send-proxy inter 1s
                """.formatted(dir, servers.get(0).getLocalPort(), servers.get(1).getLocalPort(),
                servers.get(2).getLocalPort(), servers.get(3).getLocalPort());
        var file = Files.writeString(dir.resolve("haproxy.cfg"), config);
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (var socket : List.of("v1out.sock", "v2out.sock", "plain.sock", "tls.sock")) {
            // haproxy binds a temporary name and renames it: once the name is there, it listens.
            while (!Files.exists(dir.resolve(socket))) {
                if (!haproxy.isAlive() || System.nanoTime() > deadline) {
                    fail("haproxy did not listen on " + socket + ":\n" + Files.readString(dir.resolve("haproxy.log")));
                }
                LockSupport.parkNanos(10_000_000);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            assertTrue(haproxy.waitFor(30, TimeUnit.SECONDS), "haproxy did not stop");
        }
        for (var server : servers) {
            server.close();
        }
    }

    private void certificates() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=Test CA", "-keyout", "ca.key", "-out", "ca.pem");
        for (var who : List.of("server", "client")) {
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-subj", who.equals("server") ? "/CN=www.example.org" : "/CN=Jane Client",
                    "-keyout", who + ".key", "-out", who + ".csr");
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "2", "-out", who + ".crt");
            Files.writeString(dir.resolve(who + ".pem"),
                    Files.readString(dir.resolve(who + ".crt")) + Files.readString(dir.resolve(who + ".key")));
        }
    }

    private void openssl(String... arguments) throws Exception {
        var command = new java.util.ArrayList<>(List.of(OPENSSL.toString()));
        command.addAll(List.of(arguments));
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "openssl " + arguments[0]);
        assertEquals(0, process.exitValue(), output);
    }

    /** Sends {@code header} and data to a frontend; returns the header haproxy sends on, read the daemon's way. */
    private ProxyHeader relay(String frontend, byte[] header, ServerSocket server, Accept accept) throws Exception {
        try (var client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(dir.resolve(frontend)));
            client.write(ByteBuffer.wrap(V2Bytes.concat(header, DATA)));
            try (var relayed = server.accept()) {
                relayed.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
                var in = relayed.getInputStream();
                var read = read(in, accept);
                // Not a byte of what follows the header was taken.
                assertArrayEquals(DATA, in.readNBytes(DATA.length));
                return read;
            }
        }
    }

    /** The daemon's reads: exactly {@link ProxyParser#first}, then exactly what each Partial asks. */
    static ProxyHeader read(InputStream in, Accept accept) throws IOException {
        var buffer = new byte[V2Header.LONGEST];
        int have = 0;
        int want = ProxyParser.first(accept);
        while (true) {
            if (in.readNBytes(buffer, have, want) != want) {
                fail("the stream ended after " + have + " bytes");
            }
            have += want;
            switch (ProxyParser.parse(buffer, have, accept)) {
                case Parsed.Partial(int more) -> want = more;
                case Parsed.Complete(var header, int length) -> {
                    assertEquals(have, length);
                    return header;
                }
                case Parsed.Bad(var why) -> fail(why);
            }
        }
    }

    @Test
    void haproxyReadsTheV2HeaderWrittenAndSendsItsV1Line() throws Exception {
        var source = at("2001:db8::1", 56324);
        var destination = at("2001:db8::2", 443);
        var tlvs = new Tlvs(Optional.empty(), Optional.of("example.org"), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertEquals(new ProxyHeader.Inet(1, source, destination, Tlvs.NONE),
                relay("v1out.sock", ProxyWriter.v2(source, destination, tlvs, true), servers.get(0), Accept.ANY));
    }

    @Test
    void haproxyReadsTheV1LineWrittenAndSendsItsV2Header() throws Exception {
        var source = at("192.0.2.1", 56324);
        var destination = at("198.51.100.2", 443);
        assertEquals(new ProxyHeader.Inet(2, source, destination, Tlvs.NONE),
                relay("v2out.sock", ProxyWriter.v1(source, destination), servers.get(1), Accept.V2));
    }

    @Test
    void haproxyPassesTheAuthorityOnWithItsCrc() throws Exception {
        var source = at("192.0.2.1", 56324);
        var destination = at("2001:db8::2", 443);
        var tlvs = new Tlvs(Optional.empty(), Optional.of("www.example.org"), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertEquals(new ProxyHeader.Inet(2, source, destination, tlvs),
                relay("v2out.sock", ProxyWriter.v2(source, destination, tlvs, true), servers.get(1), Accept.ANY));
    }

    @Test
    void haproxyChecksTheCrcWritten() throws Exception {
        // What makes the tests above worth something: a header whose CRC is off is dropped, and
        // the next connection haproxy relays is the one after it.
        var header = ProxyWriter.v2(at("192.0.2.1", 1111), at("198.51.100.2", 443), Tlvs.NONE, true);
        header[header.length - 1] ^= 1;
        try (var client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(dir.resolve("v2out.sock")));
            client.write(ByteBuffer.wrap(header));
            try {
                assertEquals(-1, client.read(ByteBuffer.allocate(1)));
            } catch (java.net.SocketException e) {
                assertEquals("Connection reset", e.getMessage());
            }
        }
        var next = ProxyWriter.v2(at("192.0.2.1", 2222), at("198.51.100.2", 443), Tlvs.NONE, true);
        var relayed = (ProxyHeader.Inet) relay("v2out.sock", next, servers.get(1), Accept.V2);
        assertEquals(2222, relayed.source().getPort());
    }

    @Test
    void haproxyTellsOfTheClientsTlsSession() throws Exception {
        var source = at("192.0.2.1", 56324);
        var destination = at("198.51.100.2", 443);
        var header = (ProxyHeader.Inet) relay("plain.sock", ProxyWriter.v1(source, destination), servers.get(2),
                Accept.ANY);
        assertEquals(source, header.source());
        assertEquals(destination, header.destination());
        var tlvs = header.tlvs();
        assertEquals(Optional.of("h2"), tlvs.alpn());
        assertEquals(Optional.of("www.example.org"), tlvs.authority());
        assertArrayEquals("id-192.0.2.1".getBytes(StandardCharsets.US_ASCII), tlvs.uniqueId().orElseThrow());
        var ssl = tlvs.ssl().orElseThrow();
        assertEquals(Ssl.CLIENT_SSL | Ssl.CLIENT_CERT_CONN | Ssl.CLIENT_CERT_SESS, ssl.client());
        assertTrue(ssl.verified());
        assertEquals(Optional.of("TLSv1.3"), ssl.version());
        assertEquals(Optional.of("Jane Client"), ssl.commonName());
        assertEquals(Optional.of("ecdsa-with-SHA256"), ssl.sigAlg());
        assertEquals(Optional.of("EC256"), ssl.keyAlg());
        assertTrue(ssl.cipher().orElseThrow().startsWith("TLS_"), ssl.toString());
        assertEquals(Optional.empty(), tlvs.netns());
    }

    @Test
    void haproxysHealthCheckIsLocal() throws Exception {
        try (var check = servers.get(3).accept()) {
            check.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
            assertEquals(new ProxyHeader.Local(2, Tlvs.NONE), read(check.getInputStream(), Accept.ANY));
        }
    }
}
