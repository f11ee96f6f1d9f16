package org.jinetd.daemon.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.jinetd.daemon.config.TestCertificates;
import org.jinetd.daemon.proxy.Accept;
import org.jinetd.daemon.proxy.ProxyParser;
import org.jinetd.daemon.proxy.ProxyWriter;
import org.jinetd.daemon.proxy.Ssl;
import org.jinetd.daemon.tls.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a redirect's v2 header says of the daemon's own TLS session: certificates of each kind
 * named as haproxy names them, and a client's own text that a header cannot carry left out,
 * the rest of the header still written and read back.
 */
class SessionTlvsTest {
    @TempDir
    Path dir;

    private static X509Certificate read(Path pem) throws IOException {
        try (var in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private TestCertificates made() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new TestCertificates(dir);
    }

    @Test
    void eachKindOfCertificateIsNamedAsHaproxyNamesIt() throws Exception {
        var made = made();
        var rsa = read(made.selfSigned("rsa", "rsa", "localhost").certificate());
        assertEquals("RSA2048", SessionTlvs.key(rsa));
        assertEquals("RSA-SHA256", SessionTlvs.signature(rsa));
        var ec = read(made.selfSigned("ec", "ec", "localhost").certificate());
        assertEquals("EC256", SessionTlvs.key(ec));
        assertEquals("ecdsa-with-SHA256", SessionTlvs.signature(ec));
        var ed = read(made.selfSigned("ed", "ed25519", "localhost").certificate());
        assertEquals("ED25519", SessionTlvs.key(ed));
        assertEquals("ED25519", SessionTlvs.signature(ed));
    }

    @Test
    void aClientsTextThatAHeaderCannotCarryIsLeftOutAndTheRestReadsBack() throws Exception {
        var made = made();
        var ca = made.authority("ca");
        var mallory = read(made.client("mallory", ca, "/CN=x\\r\\nforged\\033]0;owned/O=Example", "0x05").certificate());
        var shown = read(made.selfSigned("shown", "ec", "localhost").certificate());
        var session = new Session("TLSv1.3", "TLS_AES_128_GCM_SHA256", Optional.of("localhost"),
                Optional.of("x-relay"), List.of(mallory), true, Optional.of(shown));
        var tlvs = SessionTlvs.of(session, "id".getBytes());
        var ssl = tlvs.ssl().orElseThrow();
        assertEquals(Optional.empty(), ssl.commonName(), ssl.toString());
        // Resumed: the certificate was shown in the session, not on this connection.
        assertEquals(Ssl.CLIENT_SSL | Ssl.CLIENT_CERT_SESS, ssl.client());
        var header = ProxyWriter.v2(new InetSocketAddress("192.0.2.1", 1234),
                new InetSocketAddress("127.0.0.1", 443), tlvs, true);
        var parsed = ProxyParser.parse(header, header.length, Accept.V2);
        var complete = (ProxyParser.Parsed.Complete) parsed;
        assertEquals(tlvs, complete.header().tlvs());

        // Two CNs: the first, as OpenSSL (and so haproxy) finds it.
        var two = read(made.client("two", ca, "/CN=first/O=Example/CN=second", "0x06").certificate());
        var both = SessionTlvs.of(new Session("TLSv1.3", "TLS_AES_128_GCM_SHA256", Optional.empty(), Optional.empty(),
                List.of(two), false, Optional.of(shown)), "id".getBytes());
        assertEquals(Optional.of("first"), both.ssl().orElseThrow().commonName());

        // A session with no client certificate: the SSL flag alone, not verified; its TLS 1.2 suite by OpenSSL's name.
        var anonymous = SessionTlvs.of(new Session("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                Optional.empty(), Optional.empty(), List.of(), false, Optional.of(shown)), "id".getBytes());
        assertEquals(new Ssl(Ssl.CLIENT_SSL, false, Optional.of("TLSv1.2"),
                Optional.of("ECDHE-ECDSA-AES128-GCM-SHA256"), Optional.of("ecdsa-with-SHA256"),
                Optional.of("EC256"), Optional.empty()), anonymous.ssl().orElseThrow());
        assertEquals(Optional.empty(), anonymous.authority());
    }
}
