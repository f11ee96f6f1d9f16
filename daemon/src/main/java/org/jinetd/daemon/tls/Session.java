package org.jinetd.daemon.tls;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What a handshake agreed on, for the log, a program's environment and a handler.
 *
 * @param protocol            {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite         such as {@code TLS_AES_128_GCM_SHA256}
 * @param serverName          the host name the client asked for (SNI), if it asked for one
 * @param applicationProtocol the ALPN protocol chosen, if any
 * @param clientChain         the client's certificate chain, its own first; empty without one
 * @param resumed             the client resumed an earlier session (a TLS 1.3 ticket, a TLS 1.2 session id)
 * @param shown               the certificate this daemon showed the client (SNI chose it), if one was
 */
public record Session(String protocol, String cipherSuite, Optional<String> serverName,
                      Optional<String> applicationProtocol, List<X509Certificate> clientChain, boolean resumed,
                      Optional<X509Certificate> shown) {
    public Session {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(applicationProtocol, "applicationProtocol");
        clientChain = List.copyOf(clientChain);
        Objects.requireNonNull(shown, "shown");
    }

    /** The facts of {@code engine}'s session, its handshake begun at {@code started} (epoch millis). */
    static Session of(SSLEngine engine, long started) {
        var session = engine.getSession();
        Optional<String> host = Optional.empty();
        if (session instanceof ExtendedSSLSession extended) {
            host = extended.getRequestedServerNames().stream().filter(n -> n instanceof SNIHostName)
                    .map(n -> ((SNIHostName) n).getAsciiName()).findFirst();
        }
        List<X509Certificate> chain = List.of();
        // Only a service that asks for a client's certificate has one to show; asking the
        // session of one that does not costs an exception every handshake.
        if (engine.getNeedClientAuth() || engine.getWantClientAuth()) {
            try {
                chain = Arrays.stream(session.getPeerCertificates()).filter(c -> c instanceof X509Certificate)
                        .map(c -> (X509Certificate) c).toList();
            } catch (SSLPeerUnverifiedException e) {
                // Asked, and the client showed none.
            }
        }
        var alpn = Optional.ofNullable(engine.getApplicationProtocol()).filter(p -> !p.isEmpty());
        // A resumed session keeps the time it was first made.
        var local = session.getLocalCertificates();
        Optional<X509Certificate> shown = local != null && local.length > 0 && local[0] instanceof X509Certificate c
                ? Optional.of(c) : Optional.empty();
        return new Session(session.getProtocol(), session.getCipherSuite(), host, alpn, chain,
                session.getCreationTime() < started, shown);
    }
}
