package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** Every suite the JDK can agree on has the name OpenSSL gives it, as {@code openssl ciphers -stdname} pairs them. */
class CipherNamesTest {
    @Test
    void everySuiteTheJdkSupportsHasOpensslsName() throws Exception {
        var process = new ProcessBuilder("openssl", "ciphers", "-stdname", "ALL:@SECLEVEL=0")
                .redirectErrorStream(true).start();
        var listed = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), listed);
        // "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 - ECDHE-ECDSA-AES256-GCM-SHA384 TLSv1.2 Kx=ECDH ..."
        var openssl = new HashMap<String, String>();
        for (var line : listed.split("\n")) {
            var words = line.trim().split("\\s+");
            if (words.length > 2 && words[1].equals("-")) {
                openssl.put(words[0], words[2]);
            }
        }
        var suites = new java.util.ArrayList<>(List.of(SSLContext.getDefault().getSupportedSSLParameters()
                .getCipherSuites()));
        // Those an admin may turn on again in java.security.
        suites.addAll(List.of("TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA",
                "TLS_RSA_WITH_AES_128_CBC_SHA"));
        int compared = 0;
        for (var suite : suites) {
            if (openssl.containsKey(suite)) {
                assertEquals(openssl.get(suite), CipherNames.openssl(suite), suite);
                compared++;
            } else {
                assertEquals(suite, CipherNames.openssl(suite), "a suite OpenSSL does not list keeps the JDK's name");
            }
        }
        // The JDK's TLS 1.3 suites and its TLS 1.2 ECDHE and DHE suites at least.
        assertTrue(compared >= 30, "compared " + compared + " of " + suites);
    }

    @Test
    void aNameNotKnownIsTheJdksOwn() {
        assertEquals("TLS_AES_128_GCM_SHA256", CipherNames.openssl("TLS_AES_128_GCM_SHA256"));
        assertEquals("TLS_SOMETHING_NEW", CipherNames.openssl("TLS_SOMETHING_NEW"));
    }
}
