package org.jinetd.daemon.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the certificate and key files that {@code tls:} names, with the JDK's stable APIs: held
 * to the table's trust rules, regular and small, PEM, a key readable by no one but its owner
 * and group. Each mistake is a problem at the file's key in the table.
 */
final class TlsMaterial {
    /** A key is a few KiB at most, even RSA 16384 in PEM. */
    static final int KEY_CAP = 64 << 10;
    /** A certificate chain, or a CA bundle (Debian's holds some 150 in about 200 KiB). */
    static final int CERTIFICATES_CAP = 1 << 20;
    /** A served chain is the leaf and its intermediates: three or four in practice; JSSE takes 10 from a server. */
    static final int CHAIN_MAX = 10;
    private static final List<String> KEY_LABELS = List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY");
    /** The kinds of key TLS 1.2 and 1.3 serve, as the JDK's KeyFactory names them. */
    private static final List<String> KEY_KINDS = List.of("RSA", "EC", "EdDSA");
    private static final byte[] PROBE = "jinetd: does this key match its certificate?".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Fields fields;
    private final Trust trust;

    TlsMaterial(Fields fields, Trust trust) {
        this.fields = fields;
        this.trust = trust;
    }

    /**
     * The certificates of the file at {@code entry}: a chain served to clients (leaf first, at
     * most {@link #CHAIN_MAX}) or, with {@code max} 0, the authorities of a client check (any
     * number the file's size allows). Null when it cannot be used; a problem says why.
     */
    List<X509Certificate> certificates(Node.Entry entry, int max) {
        var path = absolute(entry);
        if (path == null) {
            return null;
        }
        var pem = pem(entry, path, CERTIFICATES_CAP);
        if (pem == null) {
            return null;
        }
        var mark = entry.value().mark();
        var role = entry.key().name();
        var blocks = pem.labelled("CERTIFICATE");
        if (blocks.isEmpty()) {
            fields.problem(mark, "%s '%s' holds no certificate".formatted(role, path),
                    "a PEM file of certificates (-----BEGIN CERTIFICATE-----)");
            return null;
        }
        if (max > 0 && blocks.size() > max) {
            fields.problem(mark, "%s '%s' holds %d certificates, more than %d".formatted(role, path, blocks.size(), max),
                    "the server's certificate, then its intermediates (at most %d, leaf first)".formatted(max));
            return null;
        }
        if (pem.blocks().stream().anyMatch(b -> KEY_LABELS.contains(b.label())) && !secret(entry, path)) {
            return null;
        }
        var out = new ArrayList<X509Certificate>();
        try {
            var factory = CertificateFactory.getInstance("X.509");
            for (var block : blocks) {
                try {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                } catch (CertificateException | RuntimeException e) {
                    fields.problem(mark, "%s '%s': certificate #%d cannot be read: %s".formatted(role, path,
                            out.size() + 1, jdkSays(e)), "an X.509 certificate in PEM");
                    return null;
                }
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("this JDK reads no X.509 certificates", e);
        }
        return out;
    }

    /** The private key of the file at {@code entry}: PKCS#8, not encrypted. Null when it cannot be used. */
    PrivateKey key(Node.Entry entry) {
        var path = absolute(entry);
        if (path == null) {
            return null;
        }
        var pem = pem(entry, path, KEY_CAP);
        if (pem == null || !secret(entry, path)) {
            return null;
        }
        var mark = entry.value().mark();
        var keys = pem.blocks().stream().filter(b -> KEY_LABELS.contains(b.label())).toList();
        var convert = "a PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert it with: openssl pkey -in %1$s -out %1$s.pk8"
                .formatted(path);
        if (keys.size() != 1) {
            fields.problem(mark, "key '%s' holds %s".formatted(path, keys.isEmpty() ? "no private key" : keys.size()
                    + " private keys"), "one PKCS#8 key (-----BEGIN PRIVATE KEY-----)");
            return null;
        }
        var block = keys.getFirst();
        var what = switch (block.label()) {
            case "ENCRYPTED PRIVATE KEY" -> "is encrypted (BEGIN ENCRYPTED PRIVATE KEY): the daemon starts unattended and asks for no passphrase";
            case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> block.encrypted()
                    ? "is encrypted (Proc-Type: 4,ENCRYPTED): the daemon starts unattended and asks for no passphrase"
                    : block.label().startsWith("RSA") ? "is a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY), not PKCS#8"
                    : "is a SEC1 EC key (BEGIN EC PRIVATE KEY), not PKCS#8";
            case "DSA PRIVATE KEY" -> "is a DSA key, which TLS 1.2 and 1.3 do not serve";
            case "OPENSSH PRIVATE KEY" -> "is an OpenSSH key, not one for TLS";
            default -> null;
        };
        if (what != null) {
            fields.problem(mark, "key '%s' %s".formatted(path, what), block.label().equals("DSA PRIVATE KEY")
                    || block.label().equals("OPENSSH PRIVATE KEY") ? "an RSA, EC or Ed25519 key in PKCS#8" : convert);
            return null;
        }
        var spec = new PKCS8EncodedKeySpec(block.der());
        for (var kind : KEY_KINDS) {
            try {
                return KeyFactory.getInstance(kind).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // Not of this kind; try the next.
            }
        }
        fields.problem(mark, "key '%s' is not an RSA, EC or Ed25519 key the JDK can read".formatted(path),
                "an RSA, EC or Ed25519 key in PKCS#8 (-----BEGIN PRIVATE KEY-----)");
        return null;
    }

    /** Does {@code key} sign what the public key of {@code leaf} verifies? */
    static boolean matches(PrivateKey key, X509Certificate leaf) {
        var algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            PublicKey publicKey = leaf.getPublicKey();
            var signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            var signature = signer.sign();
            var verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The JDK's reason, cut to its first line: it says what is wrong with the bytes, without them. */
    private static String jdkSays(Exception e) {
        var message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return message.length() > 120 ? message.substring(0, 120) + "..." : message;
    }

    /** An absolute path with no NUL, or null and a problem. */
    private Path absolute(Node.Entry entry) {
        var path = fields.path(entry);
        if (path.isEmpty()) {
            return null;
        }
        if (!path.get().isAbsolute()) {
            fields.problem(entry.value().mark(), "%s '%s' is a relative path".formatted(entry.key().name(),
                    Node.token(path.get().toString())), "an absolute path such as /etc/ssl/" + path.get().getFileName());
            return null;
        }
        return path.get();
    }

    /** The PEM blocks of a trusted regular file of at most {@code cap} bytes; null and a problem otherwise. */
    private Pem pem(Node.Entry entry, Path path, int cap) {
        var mark = entry.value().mark();
        var role = entry.key().name();
        if (!Files.exists(path)) {
            fields.problem(mark, "cannot read %s '%s': no such file".formatted(role, path), "a PEM file");
            return null;
        }
        var refusal = trust.refusal(path);
        if (refusal.isPresent()) {
            fields.problem(mark, "%s '%s' %s".formatted(role, path, refusal.get().what()), refusal.get().expected());
            return null;
        }
        byte[] bytes;
        try {
            bytes = SmallFile.read(path, cap);
        } catch (IOException e) {
            fields.problem(mark, "cannot read %s '%s': %s".formatted(role, path, Unreadable.reason(e)),
                    "a readable regular PEM file of at most " + (cap >= 1 << 20 ? cap / (1 << 20) + " MiB" : cap / 1024 + " KiB"));
            return null;
        }
        try {
            return Pem.parse(bytes);
        } catch (Pem.NotPem e) {
            var der = e.getMessage().startsWith("is DER") ? "; convert it with: openssl %s -inform der -in %s -out %s.pem"
                    .formatted(role.equals("key") ? "pkey" : "x509", path, path) : "";
            fields.problem(mark, "%s '%s' %s".formatted(role, path, e.getMessage()), "a PEM file" + der);
            return null;
        }
    }

    /**
     * A file that holds a private key may be read by its owner and its group only: Debian's
     * ssl-cert group reads /etc/ssl/private. The mode is the file's own, through any symlink.
     */
    private boolean secret(Node.Entry entry, Path path) {
        Optional<Integer> mode;
        try {
            mode = Optional.of((int) Files.getAttribute(path, "unix:mode"));
        } catch (IOException | RuntimeException e) {
            mode = Optional.empty();
        }
        if (mode.isEmpty() || (mode.get() & 0004) != 0) {
            fields.problem(entry.value().mark(), "%s '%s' holds a private key and is readable by others%s".formatted(
                    entry.key().name(), path, mode.map(m -> " (mode %04o)".formatted(m & 07777)).orElse("")),
                    "a key only its owner and group read; fix with chmod o-r " + path);
            return false;
        }
        return true;
    }
}
