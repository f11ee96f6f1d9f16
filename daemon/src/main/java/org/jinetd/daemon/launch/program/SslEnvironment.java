package org.jinetd.daemon.launch.program;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.jinetd.daemon.tls.CipherNames;
import org.jinetd.daemon.tls.Session;

/**
 * What a TLS handshake agreed on, in a program's environment, in the names and forms
 * sslserver (ucspi-ssl) and Apache's mod_ssl give: {@code SSL_PROTOCOL}, {@code SSL_CIPHER} (OpenSSL's name),
 * {@code SSL_TLS_SNI}, {@code SSL_ALPN}, and with a client certificate {@code SSL_CLIENT_S_DN},
 * {@code SSL_CLIENT_I_DN} (RFC 2253), {@code SSL_CLIENT_M_SERIAL} (hex pairs),
 * {@code SSL_CLIENT_V_START}, {@code SSL_CLIENT_V_END} ({@code Dec  1 12:00:00 2026 GMT}),
 * {@code SSL_CLIENT_CERT} (PEM).
 */
final class SslEnvironment {
    private static final DateTimeFormatter OPENSSL_TIME = DateTimeFormatter
            .ofPattern("MMM ppd HH:mm:ss yyyy 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private SslEnvironment() {}

    static void put(Map<String, String> env, Session session) {
        env.put("SSL_PROTOCOL", session.protocol());
        env.put("SSL_CIPHER", CipherNames.openssl(session.cipherSuite()));
        session.serverName().ifPresent(name -> env.put("SSL_TLS_SNI", name));
        session.applicationProtocol().ifPresent(alpn -> env.put("SSL_ALPN", alpn));
        if (session.clientChain().isEmpty()) {
            return;
        }
        var leaf = session.clientChain().getFirst();
        env.put("SSL_CLIENT_S_DN", name(leaf.getSubjectX500Principal()));
        env.put("SSL_CLIENT_I_DN", name(leaf.getIssuerX500Principal()));
        env.put("SSL_CLIENT_M_SERIAL", serial(leaf.getSerialNumber()));
        env.put("SSL_CLIENT_V_START", OPENSSL_TIME.format(leaf.getNotBefore().toInstant()));
        env.put("SSL_CLIENT_V_END", OPENSSL_TIME.format(leaf.getNotAfter().toInstant()));
        try {
            var base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(leaf.getEncoded());
            env.put("SSL_CLIENT_CERT", "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
        } catch (CertificateEncodingException e) {
            // A certificate the handshake took is encodable; without its bytes the rest still stands.
        }
    }

    /**
     * A name in RFC 2253's form, every character outside printable ASCII written as the hex
     * pairs of its UTF-8 bytes ({@code \0D\0A}), as openssl's {@code -nameopt RFC2253} writes
     * it: the name is the client's text, and the JDK leaves a line break, an escape sequence
     * or a NUL in it as they are, where a script reading the environment would take them.
     */
    static String name(X500Principal principal) {
        var text = principal.getName(X500Principal.RFC2253);
        var out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c >= 0x20 && c < 0x7f) {
                out.append((char) c);
            } else {
                for (byte b : Character.toString(c).getBytes(StandardCharsets.UTF_8)) {
                    out.append('\\').append(HEX.toHexDigits(b));
                }
            }
        }
        return out.toString();
    }

    /**
     * A serial number as openssl and mod_ssl write it: the hex pairs of its bytes, upper case,
     * a leading zero kept ({@code 0A1B}), the sign byte of Java's encoding left out.
     */
    static String serial(BigInteger serial) {
        var bytes = serial.abs().toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return (serial.signum() < 0 ? "-" : "") + HEX.formatHex(bytes);
    }
}
