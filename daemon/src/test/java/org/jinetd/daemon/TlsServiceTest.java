package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.jinetd.daemon.config.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls:} on the way of a connection: the daemon does the handshake before anything
 * runs, then a handler reads plaintext and a program gets it through the bridge, with
 * sslserver's environment; the line says what the handshake agreed on, or why it failed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsServiceTest {
    @TempDir
    Path dir;
    private TestCertificates.Pair pair;

    @BeforeEach
    void certificate() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        pair = new TestCertificates(dir).selfSigned("server", "ec", "localhost");
    }

    private String tls() {
        return "tls: {certificate: %s, key: %s}".formatted(pair.certificate(), pair.key());
    }

    @Test
    void aHandlerReadsAndWritesPlaintextBehindTheHandshake() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo, %s}}".formatted(tls()));
             var socket = client(d.port("echo"), "localhost")) {
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertEquals("hello\n", new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            var line = d.awaitLog("service=echo peer=");
            assertTrue(line.contains(" tls=TLSv1.3 cipher=TLS_") && line.contains(" sni=localhost "), line);
            assertEquals(1, d.daemon().log().tally().of("echo").handshakes());
        }
    }

    /** What check warns of is in the daemon's log too, at its start: an admin reads the journal. */
    @Test
    void aCertificateNearItsEndIsWarnedOfWhenTheDaemonStarts() throws Exception {
        var soon = new TestCertificates(dir).dated("soon", "localhost", "-1d", 12);
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo, tls: {certificate: %s, key: %s}}}"
                .formatted(soon.certificate(), soon.key()))) {
            var line = d.awaitLog("echo: certificate " + soon.certificate() + " expires in ");
            assertTrue(line.matches(".*expires in 1[01] days, on 20\\S+Z"), line);
        }
    }

    @Test
    void aProgramGetsPlaintextThroughTheBridgeWithSslserversEnvironment() throws Exception {
        try (var d = TestDaemon.start(("services: {env: {bind: 127.0.0.1, %s, "
                + "exec: [/bin/sh, -c, 'echo \"$SSL_PROTOCOL $SSL_TLS_SNI $TCPREMOTEIP\"; read -r x; echo \"got $x\"']}}")
                .formatted(tls()));
             var socket = client(d.port("env"), "localhost")) {
            var in = socket.getInputStream();
            assertEquals("TLSv1.3 localhost 127.0.0.1\n", line(in));
            socket.getOutputStream().write("it\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("got it\n", line(in));
            assertTrue(d.daemon().table().service("env").orElseThrow().shownLaunch().contains("bridge (tls)"));
        }
    }

    @Test
    void aClientRefusedBeforeItsHandshakeReadsNoPlaintextBanner() throws Exception {
        try (var d = TestDaemon.start(("services: {tls: {bind: 127.0.0.1, handler: echo, only_from: [192.0.2.1], "
                + "banner_fail: \"go away\\n\", %s}, plain: {bind: 127.0.0.1, handler: echo, only_from: [192.0.2.1], "
                + "banner_fail: \"go away\\n\"}}").formatted(tls()))) {
            assertEquals("go away\n", Clients.exchange(d.port("plain"), ""));
            assertEquals("", Clients.exchange(d.port("tls"), ""));
            assertTrue(d.awaitLog("service=tls peer=").contains(" refused=only_from"));
        }
    }

    @Test
    void aClientThatSpeaksNoTlsIsRefusedBeforeAnythingRuns() throws Exception {
        try (var d = TestDaemon.start(("services: {env: {bind: 127.0.0.1, %s, exec: [/bin/echo, ran]}}").formatted(tls()))) {
            assertEquals("", Clients.exchange(d.port("env"), "GET / HTTP/1.0\r\n\r\n"));
            var line = d.awaitLog("service=env peer=");
            assertTrue(line.contains(" refused=tls_not_tls "), line);
            assertTrue(d.awaitIdle(java.time.Duration.ofSeconds(10)));
            assertEquals(0, d.daemon().log().tally().of("env").connections(), "no program ran");
        }
    }

    private static String line(java.io.InputStream in) throws IOException {
        var out = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            out.append((char) c);
            if (c == '\n') {
                break;
            }
        }
        return out.toString();
    }

    /** A JDK client that trusts the test's certificate alone and asks for {@code host} (SNI). */
    private SSLSocket client(int port, String host) throws IOException, GeneralSecurityException {
        var store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (var pem = Files.newInputStream(pair.certificate())) {
            store.setCertificateEntry("server",
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        var trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        var context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        var socket = (SSLSocket) context.getSocketFactory().createSocket(host, port);
        // The JDK leaves out SNI for a name without a dot: asked for explicitly.
        var parameters = socket.getSSLParameters();
        parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(host)));
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(Clients.DEADLINE_MS);
        socket.startHandshake();
        return socket;
    }
}
