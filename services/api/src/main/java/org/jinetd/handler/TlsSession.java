package org.jinetd.handler;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a connection's TLS handshake agreed on, where the service has {@code tls:}: the
 * daemon did the handshake, and the handler reads and writes plaintext.
 *
 * @param protocol            {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite         by the JDK's (IANA's) name, such as {@code TLS_AES_128_GCM_SHA256} or
 *                            {@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
 * @param serverName          the host name the client asked for (SNI), if it asked for one
 * @param applicationProtocol the ALPN protocol chosen, if any
 * @param clientCertificates  the client's certificate chain, its own first; empty without one
 * @since 0.2
 */
public record TlsSession(String protocol, String cipherSuite, Optional<String> serverName,
                         Optional<String> applicationProtocol, List<X509Certificate> clientCertificates) {
    /**
     * Checks that every value is there and keeps its own copy of the chain.
     *
     * @throws NullPointerException if a value is null
     */
    public TlsSession {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(applicationProtocol, "applicationProtocol");
        clientCertificates = List.copyOf(clientCertificates);
    }
}
