package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.jinetd.daemon.config.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Handshakes that succeed, with the JDK's client and openssl's: versions, SNI, ALPN, client certificates. */
@Timeout(180)
class HandshakeTest {
    @TempDir
    Path dir;

    private TestCertificates made;

    @BeforeEach
    void tools() {
        made = new TestCertificates(dir);
    }

    private String files(TestCertificates.Pair pair) {
        return "certificate: %s\nkey: %s\n".formatted(pair.certificate(), pair.key());
    }

    private static TlsChannel secured(TlsServer server) throws InterruptedException {
        return assertInstanceOf(Handshake.Secured.class, server.next()).channel();
    }

    private static Handshake.Failed failed(TlsServer server) throws InterruptedException {
        return assertInstanceOf(Handshake.Failed.class, server.next());
    }

    /** Reads a line, writes it back, ends with close_notify: what s_client -ign_eof waits for. */
    static void oneLine(TlsChannel channel) throws IOException {
        var line = new StringBuilder();
        var one = ByteBuffer.allocate(1);
        while (channel.read(one.clear()) > 0 && one.get(0) != '\n') {
            line.append((char) one.get(0));
        }
        channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.shutdownOutput();
    }

    @Test
    void tls13AndTls12WithTheJdksClient() throws Exception {
        var web = made.selfSigned("web", "ec", "www.example.org");
        try (var server = new TlsServer(Fixtures.tls(dir, files(web)))) {
            for (var protocol : List.of("TLSv1.3", "TLSv1.2")) {
                try (var socket = Clients.connect(Fixtures.client(web.certificate()), server.port(),
                        Clients.protocol(protocol))) {
                    assertEquals("hello " + protocol, Clients.exchange(socket, "hello " + protocol));
                }
                var session = secured(server).session();
                assertEquals(protocol, session.protocol());
                assertTrue(session.cipherSuite().startsWith("TLS_"), session.cipherSuite());
                assertEquals(Optional.empty(), session.serverName());
                assertEquals(Optional.empty(), session.applicationProtocol());
                assertEquals(List.of(), session.clientChain());
                assertEquals(false, session.resumed());
                assertEquals("done", server.nextEnd());
            }
        }
    }

    @Test
    void tls13AndTls12WithOpenssl() throws Exception {
        var web = made.selfSigned("web", "ec", "www.example.org");
        try (var server = new TlsServer(Fixtures.tls(dir, files(web)), HandshakeTest::oneLine)) {
            for (var protocol : List.of("-tls1_3", "-tls1_2")) {
                try (var client = OpenSsl.client(server.port(), protocol, "-servername", "www.example.org", "-CAfile",
                        web.certificate().toString(), "-verify_return_error", "-ign_eof")) {
                    var said = client.talk("hello\n");
                    var version = protocol.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2";
                    assertTrue(said.contains("New, " + version + ", Cipher is "), said);
                    assertTrue(said.contains("Verify return code: 0 (ok)"), said);
                    assertTrue(said.contains("\nhello\n"), said);
                }
                var session = secured(server).session();
                assertEquals(protocol.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2", session.protocol());
                assertEquals(Optional.of("www.example.org"), session.serverName());
                assertEquals("done", server.nextEnd());
            }
        }
    }

    @Test
    void sniPicksTheCertificateOfTheNameAskedForExactThenWildcard() throws Exception {
        var fallback = made.selfSigned("default", "ec", "default.example.org");
        var www = made.selfSigned("www", "rsa", "www.example.org");
        var wild = made.selfSigned("wild", "ed25519", "*.example.net");
        var tls = Fixtures.tls(dir, files(fallback) + """
                sni:
                  www.example.org: {certificate: %s, key: %s}
                  "*.example.net": {certificate: %s, key: %s}
                """.formatted(www.certificate(), www.key(), wild.certificate(), wild.key()));
        try (var server = new TlsServer(tls)) {
            for (var asked : List.of("", "www.example.org", "WWW.Example.ORG", "a.example.net", "a.b.example.net",
                    "example.net", "other.org")) {
                var expected = switch (asked.toLowerCase(java.util.Locale.ROOT)) {
                    case "www.example.org" -> "CN=www.example.org";
                    case "a.example.net" -> "CN=*.example.net";
                    default -> "CN=default.example.org";
                };
                // A client of its own each time: the JDK's resumes a session by address, with its old name.
                var trusting = Fixtures.client(fallback.certificate(), www.certificate(), wild.certificate());
                try (var socket = Clients.connect(trusting, server.port(), asked.isEmpty() ? p -> { } : Clients.sni(asked))) {
                    assertEquals(expected, Clients.served(socket), asked);
                    assertEquals("x", Clients.exchange(socket, "x"));
                }
                assertEquals(asked.isEmpty() ? Optional.empty() : Optional.of(asked.toLowerCase(java.util.Locale.ROOT)),
                        secured(server).session().serverName().map(n -> n.toLowerCase(java.util.Locale.ROOT)));
                server.nextEnd();
            }
        }
        // openssl's client gets the Ed25519 certificate of the wildcard too.
        try (var server = new TlsServer(tls, HandshakeTest::oneLine);
             var client = OpenSsl.client(server.port(), "-servername", "x.example.net", "-CAfile",
                     wild.certificate().toString(), "-verify_return_error", "-ign_eof")) {
            var said = client.talk("hi\n");
            assertTrue(said.contains("subject=CN = *.example.net"), said);
            assertTrue(said.contains("Peer signature type: ed25519"), said);
            assertTrue(said.contains("\nhi\n"), said);
        }
    }

    @Test
    void alpnChoosesInTheServersOrderAndRefusesAClientWithNoneInCommon() throws Exception {
        var web = made.selfSigned("web", "ec", "www.example.org");
        var client = Fixtures.client(web.certificate());
        try (var server = new TlsServer(Fixtures.tls(dir, files(web) + "alpn: [h2, http/1.1]\n"))) {
            for (var offered : List.of(List.of("http/1.1", "h2"), List.of("http/1.1"), List.<String>of())) {
                try (var socket = Clients.connect(client, server.port(),
                        p -> p.setApplicationProtocols(offered.toArray(String[]::new)))) {
                    assertEquals("x", Clients.exchange(socket, "x"));
                }
                var expected = offered.isEmpty() ? Optional.<String>empty()
                        : Optional.of(offered.contains("h2") ? "h2" : "http/1.1");
                assertEquals(expected, secured(server).session().applicationProtocol(), offered.toString());
                server.nextEnd();
            }
            assertThrows(SSLException.class, () -> Clients.connect(client, server.port(),
                    p -> p.setApplicationProtocols(new String[] {"spdy/3"})).close());
            var refused = failed(server);
            assertEquals(Failure.ALPN, refused.failure(), refused.toString());
            assertEquals("alpn", refused.failure().key());
        }
    }

    @Test
    void aRequiredClientCertificateMustComeAndPass() throws Exception {
        var web = made.selfSigned("web", "ec", "www.example.org");
        var ca = made.authority("ca");
        var stranger = made.authority("stranger");
        var alice = made.issued("alice", ca, "ec");
        var mallory = made.issued("mallory", stranger, "ec");
        var tls = Fixtures.tls(dir, files(web) + "client: {ca: %s}\n".formatted(ca.certificate()));
        try (var server = new TlsServer(tls)) {
            try (var socket = Clients.connect(Fixtures.client(Clients.keys(dir, alice), web.certificate()), server.port(),
                    p -> { })) {
                assertEquals("x", Clients.exchange(socket, "x"));
            }
            var chain = secured(server).session().clientChain();
            assertEquals("CN=alice", chain.getFirst().getSubjectX500Principal().getName());
            server.nextEnd();
            for (var protocol : List.of("TLSv1.3", "TLSv1.2")) {
                // TLS 1.3's client ends its side of the handshake first: it hears of the refusal as it reads.
                assertThrows(IOException.class, () -> {
                    try (var socket = Clients.connect(Fixtures.client(web.certificate()), server.port(),
                            Clients.protocol(protocol))) {
                        Clients.exchange(socket, "x");
                    }
                });
                var none = failed(server);
                assertEquals(Failure.NO_CERTIFICATE, none.failure(), none.toString());
                assertThrows(IOException.class, () -> {
                    try (var socket = Clients.connect(Fixtures.client(Clients.keys(dir, mallory), web.certificate()),
                            server.port(), Clients.protocol(protocol))) {
                        Clients.exchange(socket, "x");
                    }
                });
                var bad = failed(server);
                assertEquals(Failure.BAD_CERTIFICATE, bad.failure(), bad.toString());
            }
        }
    }

    @Test
    void anOptionalClientCertificateMayStayAwayButMustPassIfItComes() throws Exception {
        var web = made.selfSigned("web", "ec", "www.example.org");
        var ca = made.authority("ca");
        var alice = made.issued("alice", ca, "rsa");
        var mallory = made.issued("mallory", made.authority("stranger"), "ec");
        var tls = Fixtures.tls(dir, files(web) + "client: {ca: %s, require: false}\n".formatted(ca.certificate()));
        try (var server = new TlsServer(tls)) {
            try (var socket = Clients.connect(Fixtures.client(web.certificate()), server.port(), p -> { })) {
                assertEquals("x", Clients.exchange(socket, "x"));
            }
            assertEquals(List.of(), secured(server).session().clientChain());
            server.nextEnd();
            try (var socket = Clients.connect(Fixtures.client(Clients.keys(dir, alice), web.certificate()), server.port(),
                    p -> { })) {
                assertEquals("x", Clients.exchange(socket, "x"));
            }
            assertEquals("CN=alice", secured(server).session().clientChain().getFirst().getSubjectX500Principal().getName());
            server.nextEnd();
            assertThrows(IOException.class, () -> {
                try (var socket = Clients.connect(Fixtures.client(Clients.keys(dir, mallory), web.certificate()),
                        server.port(), p -> { })) {
                    Clients.exchange(socket, "x");
                }
            });
            assertEquals(Failure.BAD_CERTIFICATE, failed(server).failure());
        }
    }

    @Test
    void anExpiredCertificateIsStillServed() throws Exception {
        var old = made.dated("old", "old.example.org", "-10d", 5);
        try (var server = new TlsServer(Fixtures.tls(dir, files(old)), HandshakeTest::oneLine);
             var client = OpenSsl.client(server.port(), "-CAfile", old.certificate().toString(), "-ign_eof")) {
            var said = client.talk("late\n");
            assertTrue(said.contains("Verify return code: 10 (certificate has expired)"), said);
            assertTrue(said.contains("\nlate\n"), said);
            secured(server);
        }
    }

    @Test
    void bytesReadBeforeTheHandshakeAreItsFirst() throws Exception {
        // A stage before (the PROXY header's) may have read into the ClientHello.
        var web = made.selfSigned("web", "ec", "www.example.org");
        var context = new ServerContext(Fixtures.tls(dir, files(web)));
        try (var listener = java.nio.channels.ServerSocketChannel.open()
                .bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))) {
            var outcome = new java.util.concurrent.CompletableFuture<Handshake.Outcome>();
            Thread.ofVirtual().start(() -> {
                try (var client = listener.accept()) {
                    var early = ByteBuffer.allocate(11);
                    while (early.hasRemaining() && client.read(early) >= 0) {
                        // The first 11 bytes, whatever they are.
                    }
                    var result = Handshake.run(client, early.flip(), context);
                    outcome.complete(result);
                    if (result instanceof Handshake.Secured(var channel)) {
                        TlsServer.echo(channel);
                    }
                } catch (IOException e) {
                    outcome.completeExceptionally(e);
                }
            });
            try (var socket = Clients.connect(Fixtures.client(web.certificate()), listener.socket().getLocalPort(),
                    Clients.sni("www.example.org"))) {
                assertEquals("early", Clients.exchange(socket, "early"));
            }
            var secured = assertInstanceOf(Handshake.Secured.class, outcome.get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(Optional.of("www.example.org"), secured.channel().session().serverName());
        }
    }

    @Test
    void aUnixSocketIsSecuredToo() throws Exception {
        var web = made.selfSigned("web", "ec", "www.example.org");
        var context = new ServerContext(Fixtures.tls(dir, files(web)));
        var path = dir.resolve("tls.sock");
        try (var listener = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)
                .bind(java.net.UnixDomainSocketAddress.of(path))) {
            var outcome = new java.util.concurrent.CompletableFuture<Handshake.Outcome>();
            Thread.ofVirtual().start(() -> {
                try (var client = listener.accept()) {
                    var result = Handshake.run(client, context);
                    outcome.complete(result);
                    if (result instanceof Handshake.Secured(var channel)) {
                        try (channel) {
                            oneLine(channel);
                        }
                    }
                } catch (IOException e) {
                    outcome.completeExceptionally(e);
                }
            });
            var client = new ProcessBuilder("openssl", "s_client", "-unix", path.toString(), "-CAfile",
                    web.certificate().toString(), "-verify_return_error", "-ign_eof").redirectErrorStream(true).start();
            client.getOutputStream().write("over unix\n".getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().close();
            var said = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(client.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(said.contains("\nover unix\n"), said);
            assertInstanceOf(Handshake.Secured.class, outcome.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
    }
}
