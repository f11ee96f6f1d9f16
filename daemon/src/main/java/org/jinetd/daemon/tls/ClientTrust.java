package org.jinetd.daemon.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a client's certificate chain against the authorities of the context's current
 * material ({@code client: {ca: ...}}), with the JDK's PKIX checks; names those authorities
 * to the client when its certificate is asked for.
 */
final class ClientTrust extends X509ExtendedTrustManager {
    private final ServerContext owner;

    ClientTrust(ServerContext owner) {
        this.owner = owner;
    }

    private X509ExtendedTrustManager check() throws CertificateException {
        return owner.current().clientTrust().orElseThrow(() -> new CertificateException("no client certificate is checked here"));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check().checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return owner.current().tls().client().map(c -> c.authorities().toArray(X509Certificate[]::new))
                .orElse(new X509Certificate[0]);
    }

    // A server checks no server.

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a server checks no server certificate");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a server checks no server certificate");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server checks no server certificate");
    }
}
