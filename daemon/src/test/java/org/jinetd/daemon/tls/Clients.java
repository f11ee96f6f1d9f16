package org.jinetd.daemon.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jinetd.daemon.config.TestCertificates;

/** The JDK's own TLS client, on real sockets to the test's server. */
final class Clients {
    private Clients() {}

    /** A handshaken client socket to 127.0.0.1:port, its parameters tuned first. */
    static SSLSocket connect(SSLContext context, int port, Consumer<SSLParameters> tune) throws IOException {
        var socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(60_000);
        var parameters = socket.getSSLParameters();
        tune.accept(parameters);
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    static Consumer<SSLParameters> sni(String host) {
        return p -> p.setServerNames(List.of(new SNIHostName(host)));
    }

    static Consumer<SSLParameters> protocol(String protocol) {
        return p -> p.setProtocols(new String[] {protocol});
    }

    /** Writes {@code text} and reads as many bytes back: the echo's answer. */
    static String exchange(SSLSocket socket, String text) throws IOException {
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    /** The subject of the certificate the server showed. */
    static String served(SSLSocket socket) throws IOException {
        return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                .getSubjectX500Principal().getName();
    }

    /** Key managers that show this certificate and key, packed by openssl into PKCS#12. */
    static KeyManager[] keys(Path dir, TestCertificates.Pair pair) throws IOException, InterruptedException {
        var store = dir.resolve(pair.certificate().getFileName() + ".p12");
        var process = new ProcessBuilder("openssl", "pkcs12", "-export", "-in", pair.certificate().toString(),
                "-inkey", pair.key().toString(), "-out", store.toString(), "-passout", "pass:changeit")
                .redirectErrorStream(true).start();
        var said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("openssl pkcs12: " + said);
        }
        try (var in = Files.newInputStream(store)) {
            var keys = KeyStore.getInstance("PKCS12");
            keys.load(in, "changeit".toCharArray());
            var factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(keys, "changeit".toCharArray());
            return new KeyManager[] {new Regardless((X509ExtendedKeyManager) factory.getKeyManagers()[0])};
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /**
     * Shows its certificate whatever authorities the server names: the JDK's own key manager
     * would send none to a server that names another, and the test wants the server to judge.
     */
    static class Regardless extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        Regardless(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            return keys.chooseEngineClientAlias(keyType, null, engine);
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return keys.chooseClientAlias(keyType, null, socket);
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return keys.getClientAliases(keyType, null);
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }
}
