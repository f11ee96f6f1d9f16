package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates and keys made for a test by the real tools, into its own directory: openssl
 * (genpkey, req, x509) and, for dates in the past, the JDK's keytool. Keys are PKCS#8 PEM,
 * mode 0600; certificates 0644. Nothing binary is kept in the repository.
 */
public final class TestCertificates {
    private final Path dir;

    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A certificate file (leaf first) and its key file. */
    public record Pair(Path certificate, Path key) {}

    /** A new key of {@code kind}: ec (P-256), rsa (2048) or ed25519. */
    public Path key(String name, String kind) throws IOException {
        var key = dir.resolve(name + ".key");
        var args = new ArrayList<>(List.of("openssl", "genpkey", "-out", key.toString()));
        switch (kind) {
            case "ec" -> args.addAll(List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"));
            case "rsa" -> args.addAll(List.of("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"));
            case "ed25519" -> args.addAll(List.of("-algorithm", "ED25519"));
            default -> throw new IllegalArgumentException(kind);
        }
        run(args);
        return secret(key);
    }

    /** A self-signed certificate for {@code names} (its CN the first), valid for a year. */
    public Pair selfSigned(String name, String kind, String... names) throws IOException {
        var key = key(name, kind);
        var cert = dir.resolve(name + ".pem");
        var args = new ArrayList<>(List.of("openssl", "req", "-x509", "-new", "-key", key.toString(), "-days", "365",
                "-subj", "/CN=" + (names.length > 0 ? names[0] : name), "-out", cert.toString()));
        if (names.length > 0) {
            args.addAll(List.of("-addext", "subjectAltName=" + san(names)));
        }
        run(args);
        return new Pair(open(cert), key);
    }

    /** A certificate authority: self-signed, CA:true. */
    public Pair authority(String name) throws IOException {
        var key = key(name, "ec");
        var cert = dir.resolve(name + ".pem");
        run(List.of("openssl", "req", "-x509", "-new", "-key", key.toString(), "-days", "365", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", cert.toString()));
        return new Pair(open(cert), key);
    }

    /** A certificate issued by {@code ca}, for {@code names} (a client's when there are none). */
    public Pair issued(String name, Pair ca, String kind, String... names) throws IOException {
        var key = key(name, kind);
        var csr = dir.resolve(name + ".csr");
        var cert = dir.resolve(name + ".pem");
        run(List.of("openssl", "req", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-out", csr.toString()));
        var ext = dir.resolve(name + ".ext");
        Files.writeString(ext, names.length > 0 ? "subjectAltName=" + san(names) + "\n" : "extendedKeyUsage=clientAuth\n");
        run(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.certificate().toString(), "-CAkey",
                ca.key().toString(), "-CAcreateserial", "-days", "365", "-extfile", ext.toString(), "-out", cert.toString()));
        return new Pair(open(cert), key);
    }

    /**
     * A client's certificate issued by {@code ca}, its subject as openssl's {@code -subj} takes
     * it, written in printf(1)'s notation ({@code \r}, {@code \033}, {@code \303\251}), so
     * that any byte but NUL reaches openssl as it is, whatever the JVM's locale (a client's own
     * text, UTF-8 or not), and its serial as {@code -set_serial} takes it ({@code 0x0A1B...}).
     */
    public Pair client(String name, Pair ca, String subject, String serial) throws IOException {
        var key = key(name, "ec");
        var csr = dir.resolve(name + ".csr");
        var cert = dir.resolve(name + ".pem");
        run(List.of("/bin/sh", "-c", "exec openssl req -new -utf8 -key \"$1\" -subj \"$(printf \"$2\")\" -out \"$3\"",
                "sh", key.toString(), subject, csr.toString()));
        var ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "extendedKeyUsage=clientAuth\n");
        run(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.certificate().toString(), "-CAkey",
                ca.key().toString(), "-set_serial", serial, "-days", "365", "-extfile", ext.toString(),
                "-out", cert.toString()));
        return new Pair(open(cert), key);
    }

    /**
     * A self-signed EC certificate for {@code host} valid from {@code start} (keytool's
     * -startdate: {@code -10d}, {@code +1d}) for {@code days}: an expired or not yet valid one.
     */
    public Pair dated(String name, String host, String start, int days) throws IOException {
        var store = dir.resolve(name + ".p12");
        var cert = dir.resolve(name + ".pem");
        var key = dir.resolve(name + ".key");
        var keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-keyalg", "EC", "-alias", "x", "-dname", "CN=" + host, "-ext",
                "SAN=dns:" + host, "-startdate", start, "-validity", String.valueOf(days), "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "x", "-keystore", store.toString(), "-storepass",
                "changeit", "-file", cert.toString()));
        run(List.of("openssl", "pkcs12", "-in", store.toString(), "-nocerts", "-nodes", "-passin", "pass:changeit",
                "-out", dir.resolve(name + ".bag").toString()));
        run(List.of("openssl", "pkey", "-in", dir.resolve(name + ".bag").toString(), "-out", key.toString()));
        return new Pair(open(cert), secret(key));
    }

    /** {@code key} converted by {@code openssl ARGS -in key -out ...}: PKCS#1, SEC1, encrypted. */
    public Path converted(Path key, String suffix, String... args) throws IOException {
        var out = dir.resolve(key.getFileName() + suffix);
        var command = new ArrayList<>(Arrays.asList(args));
        command.addAll(List.of("-in", key.toString(), "-out", out.toString()));
        run(command);
        return secret(out);
    }

    /** A file of {@code text}, with {@code mode} such as rw-------. */
    public Path file(String name, String text, String mode) throws IOException {
        var file = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static String san(String... names) {
        return String.join(",", Arrays.stream(names).map(n -> "DNS:" + n).toList());
    }

    private static Path secret(Path key) throws IOException {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }

    private static Path open(Path cert) throws IOException {
        Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("rw-r--r--"));
        return cert;
    }

    private void run(List<String> command) throws IOException {
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
