package org.jinetd.daemon.tls;

import java.util.Map;

/**
 * A cipher suite's name as OpenSSL gives it ({@code ECDHE-ECDSA-AES128-GCM-SHA256}), which is
 * what programs behind sslserver or mod_ssl read in {@code SSL_CIPHER} and what haproxy sends in
 * a PROXY v2 header's SSL TLV. The JDK names suites as IANA's registry does
 * ({@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}); TLS 1.3's names are the same in both.
 * Every TLS 1.2 suite the JDK 25 supports is here (and the RSA key exchange's, which its
 * default settings turn off), each checked against {@code openssl ciphers -stdname}; a suite
 * not here keeps the JDK's name.
 */
public final class CipherNames {
    private static final Map<String, String> OPENSSL = Map.ofEntries(
            Map.entry("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"),
            Map.entry("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"),
            Map.entry("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"),
            Map.entry("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"),
            Map.entry("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"),
            Map.entry("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"),
            Map.entry("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384"),
            Map.entry("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305"),
            Map.entry("TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "DHE-DSS-AES256-GCM-SHA384"),
            Map.entry("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256"),
            Map.entry("TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DHE-DSS-AES128-GCM-SHA256"),
            Map.entry("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384"),
            Map.entry("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384"),
            Map.entry("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"),
            Map.entry("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"),
            Map.entry("TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256"),
            Map.entry("TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256"),
            Map.entry("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256"),
            Map.entry("TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256"),
            Map.entry("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"),
            Map.entry("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"),
            Map.entry("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"),
            Map.entry("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"),
            Map.entry("TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA"),
            Map.entry("TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA"),
            Map.entry("TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA"),
            Map.entry("TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA"),
            // Off by the JDK's default security settings (no forward secrecy), but an admin may turn them on.
            Map.entry("TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"),
            Map.entry("TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"),
            Map.entry("TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256"),
            Map.entry("TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"),
            Map.entry("TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"),
            Map.entry("TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"));

    private CipherNames() {}

    /** OpenSSL's name of the JDK's suite {@code jdkName}; the JDK's own where OpenSSL's is not known here. */
    public static String openssl(String jdkName) {
        return OPENSSL.getOrDefault(jdkName, jdkName);
    }
}
