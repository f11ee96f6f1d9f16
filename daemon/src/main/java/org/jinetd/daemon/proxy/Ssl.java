package org.jinetd.daemon.proxy;

import java.util.Optional;

/**
 * The PP2_TYPE_SSL TLV: what the balancer knows of the client's TLS session.
 *
 * @param client the spec's bit field: {@link #CLIENT_SSL}, {@link #CLIENT_CERT_CONN}, {@link #CLIENT_CERT_SESS}
 * @param verified the client presented a certificate (on this connection or its session) and it
 *     was verified. The spec's {@code verify} field is zero both for a verified certificate and,
 *     as haproxy sends it, for no certificate at all; only the first counts here.
 * @param version the TLS version, such as {@code TLSv1.3}
 * @param cipher the cipher suite, such as {@code TLS_AES_256_GCM_SHA384}
 * @param sigAlg the signature algorithm of the balancer's own certificate, such as {@code ecdsa-with-SHA256}
 * @param keyAlg the key algorithm of the balancer's own certificate, such as {@code EC256}
 * @param commonName the CN of the client certificate's subject
 */
public record Ssl(int client, boolean verified, Optional<String> version, Optional<String> cipher,
                  Optional<String> sigAlg, Optional<String> keyAlg, Optional<String> commonName) {
    /** The client connected over SSL/TLS. */
    public static final int CLIENT_SSL = 0x01;
    /** The client presented a certificate on this connection. */
    public static final int CLIENT_CERT_CONN = 0x02;
    /** The client presented a certificate at least once in this TLS session. */
    public static final int CLIENT_CERT_SESS = 0x04;
    static final int CLIENT_ALL = CLIENT_SSL | CLIENT_CERT_CONN | CLIENT_CERT_SESS;
    static final int CLIENT_CERT = CLIENT_CERT_CONN | CLIENT_CERT_SESS;

    public Ssl {
        if ((client & ~CLIENT_ALL) != 0) {
            throw new IllegalArgumentException("SSL TLV with unknown client flags");
        }
        if (verified && (client & CLIENT_CERT) == 0) {
            throw new IllegalArgumentException("SSL TLV verified with no client certificate");
        }
        version.ifPresent(TextRule.SSL_VERSION::require);
        cipher.ifPresent(TextRule.SSL_CIPHER::require);
        sigAlg.ifPresent(TextRule.SSL_SIG_ALG::require);
        keyAlg.ifPresent(TextRule.SSL_KEY_ALG::require);
        commonName.ifPresent(TextRule.SSL_CN::require);
        if ((client & CLIENT_SSL) == 0 && (version.isPresent() || cipher.isPresent() || sigAlg.isPresent()
                || keyAlg.isPresent() || commonName.isPresent())) {
            throw new IllegalArgumentException("SSL TLV with details but without the SSL flag");
        }
    }
}
