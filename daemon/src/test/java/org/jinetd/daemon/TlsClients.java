package org.jinetd.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.jinetd.daemon.config.TestCertificates;

/**
 * The JDK's own TLS client against a daemon of a test: it trusts the test's certificates
 * alone, and shows a client certificate where it is given one. Every read has a deadline.
 */
public final class TlsClients {
    private TlsClients() {}

    /** A client that trusts these certificates (PEM files) and no other. */
    public static SSLContext trusting(Path... certificates) throws IOException {
        return showing(null, certificates);
    }

    /** A client that trusts these certificates, and shows {@code keys} when the server asks for a certificate. */
    public static SSLContext showing(KeyManager[] keys, Path... trusted) throws IOException {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                store.setCertificateEntry("trusted" + i, certificate(trusted[i]));
            }
            var trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(store);
            var context = SSLContext.getInstance("TLS");
            context.init(keys, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** The key managers of a certificate and its key, packed into PKCS#12 by openssl. */
    public static KeyManager[] keys(Path dir, TestCertificates.Pair pair) throws IOException, InterruptedException {
        var store = dir.resolve(pair.certificate().getFileName() + ".p12");
        var process = new ProcessBuilder("openssl", "pkcs12", "-export", "-in", pair.certificate().toString(),
                "-inkey", pair.key().toString(), "-out", store.toString(), "-passout", "pass:changeit")
                .redirectErrorStream(true).start();
        var said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("openssl pkcs12: " + said);
        }
        try (var in = Files.newInputStream(store)) {
            var keys = KeyStore.getInstance("PKCS12");
            keys.load(in, "changeit".toCharArray());
            var factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(keys, "changeit".toCharArray());
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    public static X509Certificate certificate(Path pem) throws IOException {
        try (var in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** A client handshaken with 127.0.0.1:{@code port}, its parameters tuned first. */
    public static SSLSocket connect(SSLContext context, int port, Consumer<SSLParameters> tune) throws IOException {
        return over(Clients.connect(InetAddress.getLoopbackAddress(), port), context, tune);
    }

    /** TLS over a socket already connected (after a PROXY header, say), handshaken; closing it closes the socket. */
    public static SSLSocket over(Socket plain, SSLContext context, Consumer<SSLParameters> tune) throws IOException {
        var socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true);
        socket.setSoTimeout(Clients.DEADLINE_MS);
        var parameters = socket.getSSLParameters();
        tune.accept(parameters);
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** Asks for {@code host} (SNI); the JDK leaves out a name without a dot unless asked explicitly. */
    public static Consumer<SSLParameters> sni(String host) {
        return p -> p.setServerNames(List.of(new SNIHostName(host)));
    }

    /** No SNI at all. */
    public static Consumer<SSLParameters> noSni() {
        return p -> p.setServerNames(List.of());
    }

    /** The subject of the certificate the server showed, as RFC 2253 writes it. */
    public static String served(SSLSocket socket) throws IOException {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    /** A line, its newline included; what there is at EOF. */
    public static String line(InputStream in) throws IOException {
        var out = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            out.append((char) c);
            if (c == '\n') {
                break;
            }
        }
        return out.toString();
    }
}
