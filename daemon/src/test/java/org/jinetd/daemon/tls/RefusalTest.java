package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jinetd.daemon.config.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that fail their handshake, each for its reason, and never an exception: plaintext,
 * silence, a slow drip, old versions, renegotiation, a long chain, nothing in common.
 */
@Timeout(180)
class RefusalTest {
    @TempDir
    Path dir;

    private TestCertificates made;
    private TestCertificates.Pair web;

    @BeforeEach
    void certificate() throws IOException {
        made = new TestCertificates(dir);
        web = made.selfSigned("web", "ec", "www.example.org");
    }

    private TlsServer server(String more) throws IOException {
        return new TlsServer(Fixtures.tls(dir, "certificate: %s\nkey: %s\n%s".formatted(web.certificate(), web.key(), more)));
    }

    private static Handshake.Failed failed(TlsServer server) throws InterruptedException {
        return assertInstanceOf(Handshake.Failed.class, server.next());
    }

    private static Socket raw(int port) throws IOException {
        var socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(60_000);
        return socket;
    }

    @Test
    void plaintextIsNotTls() throws Exception {
        try (var server = server("")) {
            for (var text : java.util.List.of("GET / HTTP/1.1\r\nHost: www.example.org\r\n\r\n", "POST /x HTTP/1.0\r\n\r\n",
                    "EHLO example.org\r\n", "\u0000")) {
                try (var socket = raw(server.port())) {
                    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
                    var failed = failed(server);
                    assertEquals(Failure.NOT_TLS, failed.failure(), failed.toString());
                    assertEquals("not_tls", failed.failure().key());
                }
            }
        }
    }

    @Test
    void aSilentClientIsClosedAtTheDeadline() throws Exception {
        try (var server = server("handshake_timeout: 1s")) {
            try (var socket = raw(server.port())) {
                long start = System.nanoTime();
                var failed = failed(server);
                long took = System.nanoTime() - start;
                assertEquals(new Handshake.Failed(Failure.TIMEOUT, "no handshake within 1s"), failed);
                assertTrue(took >= Duration.ofMillis(900).toNanos(), "ended after " + took / 1_000_000 + " ms");
                // The server closed its side: the client reads its end.
                assertTrue(endOf(socket), "the connection is still open");
            }
        }
    }

    /** Whether the peer has closed: EOF or a reset. */
    private static boolean endOf(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void halfAClientHelloThenSilenceTimesOut() throws Exception {
        var hello = ClientHellos.jdkHello("www.example.org", "TLSv1.3");
        try (var server = server("handshake_timeout: 1s"); var socket = raw(server.port())) {
            socket.getOutputStream().write(hello, 0, hello.length / 2);
            assertEquals(Failure.TIMEOUT, failed(server).failure());
            assertTrue(endOf(socket));
        }
    }

    @Test
    void aClientThatSendsAByteAtATimeIsClosedAtTheDeadlineNotAtItsLastByte() throws Exception {
        var hello = ClientHellos.jdkHello("www.example.org", "TLSv1.3");
        var dripping = new AtomicBoolean(true);
        try (var server = server("handshake_timeout: 1s"); var socket = raw(server.port())) {
            var drip = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < hello.length && dripping.get(); i++) {
                        socket.getOutputStream().write(hello[i]);
                        // The pace of the slow client under test, not a wait for anything.
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // Closed by the server: what the test waits for.
                }
            });
            long start = System.nanoTime();
            assertEquals(Failure.TIMEOUT, failed(server).failure());
            long took = System.nanoTime() - start;
            // The whole hello would take over 30 s at this pace.
            assertTrue(took < Duration.ofSeconds(20).toNanos(), "ended after " + took / 1_000_000 + " ms");
            dripping.set(false);
            drip.join(10_000);
        }
    }

    @Test
    void aClientThatLeavesIsClosed() throws Exception {
        var hello = ClientHellos.jdkHello("www.example.org", "TLSv1.3");
        try (var server = server("")) {
            raw(server.port()).close();
            assertEquals(Failure.CLOSED, failed(server).failure());
            try (var socket = raw(server.port())) {
                socket.getOutputStream().write(hello, 0, 100);
            }
            assertEquals(Failure.CLOSED, failed(server).failure());
        }
    }

    @Test
    void sslv2Sslv3Tls10AndTls11AreRefusedAsProtocol() throws Exception {
        try (var server = server("")) {
            for (var hello : java.util.List.of(ClientHellos.sslv2Hello(), ClientHellos.sslv3Hello(), ClientHellos.oldHello(0x0301),
                    ClientHellos.oldHello(0x0302))) {
                try (var socket = raw(server.port())) {
                    socket.getOutputStream().write(hello);
                    var failed = failed(server);
                    assertEquals(Failure.PROTOCOL, failed.failure(), failed.toString());
                }
            }
            // openssl's own, at the security level that still lets it speak them.
            for (var version : java.util.List.of("-tls1", "-tls1_1")) {
                try (var client = OpenSsl.client(server.port(), version, "-cipher", "DEFAULT@SECLEVEL=0")) {
                    var said = client.talk("");
                    var failed = failed(server);
                    assertEquals(Failure.PROTOCOL, failed.failure(), failed + "\n" + said);
                    assertTrue(failed.detail().startsWith("the client offers TLSv1"), failed.detail());
                    assertTrue(said.contains("alert protocol version"), said);
                }
            }
        }
        // A version the service leaves out is refused the same way.
        try (var server = server("protocols: [TLSv1.3]")) {
            assertThrows(IOException.class, () -> Clients.connect(Fixtures.client(web.certificate()), server.port(),
                    Clients.protocol("TLSv1.2")).close());
            var failed = failed(server);
            assertEquals(new Handshake.Failed(Failure.PROTOCOL, "the client offers TLSv1.2"), failed);
        }
    }

    @Test
    void nothingInCommonIsNoSharedCipher() throws Exception {
        try (var server = server("")) {
            // An EC certificate and a client that takes RSA's only.
            assertThrows(IOException.class, () -> Clients.connect(Fixtures.client(web.certificate()), server.port(), p -> {
                p.setProtocols(new String[] {"TLSv1.2"});
                p.setCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
            }).close());
            var failed = failed(server);
            assertEquals(Failure.NO_SHARED_CIPHER, failed.failure(), failed.toString());
        }
    }

    @Test
    void aClientThatRefusesOurCertificateIsOtherWithItsAlert() throws Exception {
        var stranger = made.selfSigned("stranger", "ec", "www.example.org");
        try (var server = server("")) {
            assertThrows(IOException.class, () -> Clients.connect(Fixtures.client(stranger.certificate()), server.port(),
                    p -> { }).close());
            var failed = failed(server);
            // Not bad_certificate: that one is the client's certificate failing our check.
            assertEquals(Failure.OTHER, failed.failure(), failed.toString());
            assertTrue(failed.detail().contains("certificate_unknown"), failed.detail());
        }
    }

    @Test
    void aClientMayNotRenegotiate() throws Exception {
        try (var server = server("");
             var client = OpenSsl.client(server.port(), "-tls1_2", "-CAfile", web.certificate().toString())) {
            client.await("Verify return code: 0 (ok)");
            client.send("hello\n");
            client.await("\nhello\n");
            assertInstanceOf(Handshake.Secured.class, server.next());
            client.send("R\n");
            client.await("RENEGOTIATING");
            var said = client.exit();
            var end = server.nextEnd();
            assertTrue(end.contains("the client asked to renegotiate; refused"), end + "\n" + said);
            // The client never got through a second handshake.
            assertTrue(!said.substring(said.indexOf("RENEGOTIATING")).contains("Verify return code"), said);
        }
    }

    @Test
    void aClientChainOfFiftyIsABadCertificate() throws Exception {
        var ca = made.authority("ca");
        var alice = made.issued("alice", ca, "ec");
        var keys = (X509ExtendedKeyManager) Clients.keys(dir, alice)[0];
        var alias = keys.chooseClientAlias(new String[] {"EC"}, null, null);
        var chain = new java.util.ArrayList<>(Arrays.asList(keys.getCertificateChain(alias)));
        chain.addAll(Collections.nCopies(50 - chain.size(), Fixtures.certificate(ca.certificate())));
        var longChain = new Clients.Regardless(keys) {
            @Override
            public X509Certificate[] getCertificateChain(String any) {
                return chain.toArray(X509Certificate[]::new);
            }

            @Override
            public PrivateKey getPrivateKey(String any) {
                return keys.getPrivateKey(alias);
            }
        };
        try (var server = server("client: {ca: %s, require: false}".formatted(ca.certificate()))) {
            assertThrows(IOException.class, () -> {
                try (var socket = Clients.connect(Fixtures.client(new KeyManager[] {longChain}, web.certificate()),
                        server.port(), p -> { })) {
                    Clients.exchange(socket, "x");
                }
            });
            var failed = failed(server);
            assertEquals(Failure.BAD_CERTIFICATE, failed.failure(), failed.toString());
            // JSSE stops counting past its bound (jdk.tls.server.maxInboundCertificateChainLength, 8).
            assertTrue(failed.detail().contains("exceeds the maximum allowed length (8)"), failed.detail());
        }
    }
}
