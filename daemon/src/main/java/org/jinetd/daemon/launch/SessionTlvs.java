package org.jinetd.daemon.launch;

import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.util.Locale;
import java.util.Optional;
import org.jinetd.daemon.config.Tls;
import org.jinetd.daemon.proxy.Ssl;
import org.jinetd.daemon.proxy.TextRule;
import org.jinetd.daemon.proxy.Tlvs;
import org.jinetd.daemon.tls.CipherNames;
import org.jinetd.daemon.tls.Session;

/**
 * The PROXY v2 TLVs that tell a redirect's target about the TLS session this daemon
 * terminated, in the layout haproxy writes its own in: AUTHORITY (the SNI name), ALPN, and SSL
 * with the version, the cipher (by OpenSSL's name, as haproxy gives it), the client certificate's first CN (as OpenSSL finds it) and the key and
 * signature algorithms of the certificate shown. A text the header cannot carry is left out,
 * never rewritten.
 */
final class SessionTlvs {
    private SessionTlvs() {}

    static Tlvs of(Session session, byte[] uniqueId) {
        return new Tlvs(fitting(TextRule.ALPN, session.applicationProtocol()),
                fitting(TextRule.AUTHORITY, session.serverName()), Optional.of(uniqueId), Optional.of(ssl(session)),
                Optional.empty());
    }

    private static Ssl ssl(Session session) {
        int client = Ssl.CLIENT_SSL;
        var leaf = session.clientChain().stream().findFirst();
        if (leaf.isPresent()) {
            // JSSE ends a handshake whose client certificate it cannot verify: one that is here was verified.
            client |= Ssl.CLIENT_CERT_SESS | (session.resumed() ? 0 : Ssl.CLIENT_CERT_CONN);
        }
        return new Ssl(client, leaf.isPresent(), fitting(TextRule.SSL_VERSION, Optional.of(session.protocol())),
                fitting(TextRule.SSL_CIPHER, Optional.of(CipherNames.openssl(session.cipherSuite()))),
                fitting(TextRule.SSL_SIG_ALG, session.shown().map(SessionTlvs::signature)),
                fitting(TextRule.SSL_KEY_ALG, session.shown().map(SessionTlvs::key)),
                fitting(TextRule.SSL_CN, leaf.flatMap(c -> Tls.subjectCommonNames(c).stream().findFirst())));
    }

    private static Optional<String> fitting(TextRule rule, Optional<String> text) {
        return text.filter(rule::admits);
    }

    /** The certificate's signature algorithm by OpenSSL's short name, as haproxy sends it: {@code ecdsa-with-SHA256}. */
    static String signature(X509Certificate certificate) {
        var name = certificate.getSigAlgName();
        int with = name.toUpperCase(Locale.ROOT).indexOf("WITH");
        if (with > 0) {
            var digest = name.substring(0, with).toUpperCase(Locale.ROOT);
            var key = name.substring(with + 4).toUpperCase(Locale.ROOT);
            if (key.equals("ECDSA")) {
                return "ecdsa-with-" + digest;
            }
            if (key.equals("RSA")) {
                return "RSA-" + digest;
            }
        }
        return name.equalsIgnoreCase("Ed25519") || name.equalsIgnoreCase("Ed448") ? name.toUpperCase(Locale.ROOT) : name;
    }

    /** The certificate's key as haproxy names it: {@code RSA2048}, {@code EC256}, {@code ED25519}. */
    static String key(X509Certificate certificate) {
        var key = certificate.getPublicKey();
        return switch (key) {
            case RSAKey rsa -> "RSA" + rsa.getModulus().bitLength();
            case ECKey ec -> "EC" + ec.getParams().getCurve().getField().getFieldSize();
            case EdECKey ed -> ed.getParams().getName().toUpperCase(Locale.ROOT);
            default -> key.getAlgorithm();
        };
    }
}
