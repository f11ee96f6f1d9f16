package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls:} in the table: its files are read with the table, held to its trust rules, and
 * every mistake in them is a problem at the file's key, saying how to fix it.
 */
@Timeout(120)
class TlsTableTest {
    private static final int NOT_ROOT = 54_321;

    @TempDir
    Path dir;

    private TestCertificates made;
    private TestCertificates.Pair ec;

    @BeforeEach
    void oneCertificate() throws IOException {
        assertEquals(0, Accounts.self(), "these tests give files away, as root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        made = new TestCertificates(dir);
        ec = made.selfSigned("ec", "ec", "www.example.org", "example.org");
    }

    private Loaded load(String yaml, int selfUid) throws IOException {
        var file = dir.resolve("services.yaml");
        Files.writeString(file, yaml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), selfUid).read(file);
    }

    /** Each problem as shown, without the table's path, the temp dir cut to "DIR". */
    private List<String> problems(String yaml, int selfUid) throws IOException {
        var loaded = load(yaml, selfUid);
        var prefix = dir.resolve("services.yaml") + ":";
        return assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream()
                .map(p -> p.toString().replace(prefix, "").replace(dir.toString(), "DIR")).toList();
    }

    private List<String> problems(String yaml) throws IOException {
        return problems(yaml, 0);
    }

    private Tls tls(String yaml, String service) throws IOException {
        var loaded = load(yaml, 0);
        var table = assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table();
        return table.service(service).orElseThrow().tls().orElseThrow();
    }

    /** A handler service "web" whose tls has these lines (indented under it), the certificate at 7:20 and the key at 8:12. */
    private static String web(Path certificate, Path key, String... more) {
        var text = new StringBuilder("""
                services:
                  web:
                    bind: 127.0.0.1
                    port: 7443
                    handler: echo
                    tls:
                      certificate: %s
                      key: %s
                """.formatted(certificate, key));
        for (var line : more) {
            text.append("      ").append(line).append('\n');
        }
        return text.toString();
    }

    @Test
    void readsEcRsaAndEd25519KeysWithTheirCertificates() throws IOException {
        var rsa = made.selfSigned("rsa", "rsa", "rsa.example.org");
        var ed = made.selfSigned("ed", "ed25519", "ed.example.org");
        var yaml = """
                defaults: {bind: 127.0.0.1, handler: echo}
                services:
                  a: {port: 7441, tls: {certificate: %s, key: %s}}
                  b: {port: 7442, tls: {certificate: %s, key: %s}}
                  c: {port: 7443, tls: {certificate: %s, key: %s}}
                """.formatted(ec.certificate(), ec.key(), rsa.certificate(), rsa.key(), ed.certificate(), ed.key());
        assertEquals("EC", tls(yaml, "a").identity().key().getAlgorithm());
        assertEquals("RSA", tls(yaml, "b").identity().key().getAlgorithm());
        assertEquals("EdDSA", tls(yaml, "c").identity().key().getAlgorithm());
        var a = tls(yaml, "a");
        assertEquals(ec.certificate(), a.identity().certificateFile());
        assertEquals(ec.key(), a.identity().keyFile());
        assertEquals(List.of("www.example.org", "example.org"), a.identity().names());
        assertEquals(Tls.PROTOCOLS, a.protocols());
        assertEquals(List.of(), a.alpn());
        assertEquals(Optional.empty(), a.client());
        assertEquals(Duration.ofSeconds(10), a.handshakeTimeout());
        var fact = a.facts().getFirst();
        assertTrue(fact.startsWith("certificate " + ec.certificate() + ": CN=www.example.org; names www.example.org, "
                + "example.org; expires 20"), fact);
        assertEquals(List.of(), a.warnings(java.time.Instant.now()));
        assertTrue(!a.identity().toString().contains("BEGIN") && a.identity().toString().contains(ec.key().toString()));
    }

    @Test
    void everyKeyIsRead() throws IOException {
        var wild = made.selfSigned("wild", "ec", "*.example.net");
        var ca = made.authority("ca");
        var tls = tls(web(ec.certificate(), ec.key(), "protocols: [TLSv1.3]", "alpn: [h2, http/1.1]",
                "sni: {'*.example.net': {certificate: %s, key: %s}, WWW.Example.org.: {certificate: %s, key: %s}}"
                        .formatted(wild.certificate(), wild.key(), ec.certificate(), ec.key()),
                "client: {ca: %s, require: false}".formatted(ca.certificate()), "handshake_timeout: 2s"), "web");
        assertEquals(List.of("TLSv1.3"), tls.protocols());
        assertEquals(List.of("h2", "http/1.1"), tls.alpn());
        assertEquals(List.of("*.example.net", "www.example.org"), List.copyOf(tls.sni().keySet()));
        assertEquals(1, tls.client().orElseThrow().authorities().size());
        assertEquals(false, tls.client().orElseThrow().require());
        assertEquals(Duration.ofSeconds(2), tls.handshakeTimeout());
        // The identity for a name: exact, then a wildcard of exactly one label, then the default.
        assertEquals(wild.certificate(), tls.pick(Optional.of("a.EXAMPLE.net")).certificateFile());
        assertEquals(ec.certificate(), tls.pick(Optional.of("a.b.example.net")).certificateFile());
        assertEquals(ec.certificate(), tls.pick(Optional.of("example.net")).certificateFile());
        assertEquals(ec.certificate(), tls.pick(Optional.empty()).certificateFile());
        var facts = tls.facts();
        assertEquals(4, facts.size(), facts::toString);
        assertTrue(facts.get(0).startsWith("certificate " + ec.certificate() + ": CN=www.example.org;"), facts::toString);
        assertTrue(facts.get(1).startsWith("sni *.example.net: certificate " + wild.certificate() + ": CN=*.example.net;"
                + " names *.example.net; expires "), facts::toString);
        assertTrue(facts.get(2).startsWith("sni www.example.org: certificate " + ec.certificate()), facts::toString);
        assertEquals("client certificates from " + ca.certificate() + " (1 authority), optional", facts.get(3));
        assertEquals(true, tls(web(ec.certificate(), ec.key(), "client: {ca: %s}".formatted(ca.certificate())), "web")
                .client().orElseThrow().require(), "a client check requires a certificate unless it says not");
    }

    @Test
    void aPkcs1Sec1OrEncryptedKeyIsAProblemThatSaysHowToConvertIt() throws IOException {
        var rsa = made.selfSigned("rsa", "rsa", "rsa.example.org");
        var pkcs1 = made.converted(rsa.key(), ".pkcs1", "openssl", "pkey", "-traditional");
        var sec1 = made.converted(ec.key(), ".sec1", "openssl", "ec");
        var encrypted = made.converted(ec.key(), ".enc", "openssl", "pkey", "-aes256", "-passout", "pass:secret");
        var old = made.converted(rsa.key(), ".old", "openssl", "pkey", "-traditional", "-aes256", "-passout", "pass:secret");
        assertEquals(List.of("8:12: key 'DIR/rsa.key.pkcs1' is a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY), not PKCS#8 "
                + "(expected a PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert it with: openssl pkey -in "
                + "DIR/rsa.key.pkcs1 -out DIR/rsa.key.pkcs1.pk8)"), problems(web(rsa.certificate(), pkcs1)));
        assertEquals(List.of("8:12: key 'DIR/ec.key.sec1' is a SEC1 EC key (BEGIN EC PRIVATE KEY), not PKCS#8 "
                + "(expected a PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert it with: openssl pkey -in "
                + "DIR/ec.key.sec1 -out DIR/ec.key.sec1.pk8)"), problems(web(ec.certificate(), sec1)));
        assertEquals(List.of("8:12: key 'DIR/ec.key.enc' is encrypted (BEGIN ENCRYPTED PRIVATE KEY): the daemon starts "
                + "unattended and asks for no passphrase (expected a PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert "
                + "it with: openssl pkey -in DIR/ec.key.enc -out DIR/ec.key.enc.pk8)"), problems(web(ec.certificate(), encrypted)));
        assertEquals(List.of("8:12: key 'DIR/rsa.key.old' is encrypted (Proc-Type: 4,ENCRYPTED): the daemon starts "
                + "unattended and asks for no passphrase (expected a PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert "
                + "it with: openssl pkey -in DIR/rsa.key.old -out DIR/rsa.key.old.pk8)"), problems(web(rsa.certificate(), old)));
        // The command given does convert them.
        var fixed1 = made.converted(pkcs1, ".pk8", "openssl", "pkey");
        var fixed2 = made.converted(sec1, ".pk8", "openssl", "pkey");
        assertEquals("RSA", tls(web(rsa.certificate(), fixed1), "web").identity().key().getAlgorithm());
        assertEquals("EC", tls(web(ec.certificate(), fixed2), "web").identity().key().getAlgorithm());
    }

    @Test
    void aKeyThatDoesNotMatchItsCertificateIsAProblem() throws IOException {
        var other = made.key("other", "ec");
        var rsa = made.key("rsa-other", "rsa");
        assertEquals(List.of("8:12: key 'DIR/other.key' does not match the certificate 'DIR/ec.pem' (EC key, first "
                + "certificate's: EC) (expected the private key of the first certificate of the file)"),
                problems(web(ec.certificate(), other)));
        assertEquals(List.of("8:12: key 'DIR/rsa-other.key' does not match the certificate 'DIR/ec.pem' (RSA key, first "
                + "certificate's: EC) (expected the private key of the first certificate of the file)"),
                problems(web(ec.certificate(), rsa)));
    }

    @Test
    void anUnusableFileIsAProblemAtItsKey() throws Exception {
        var empty = made.file("empty.pem", "", "rw-------");
        var text = made.file("text.pem", "root:x:0:0:root:/root:/bin/bash\n", "rw-------");
        var der = dir.resolve("cert.der");
        Files.write(der, java.util.Base64.getMimeDecoder().decode(Files.readString(ec.certificate())
                .replaceAll("-----[A-Z ]+-----", "")));
        var cut = made.file("cut.pem", Files.readString(ec.certificate()).replace("-----END CERTIFICATE-----", ""), "rw-r--r--");
        var bad64 = made.file("bad64.pem", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "rw-r--r--");
        var notCert = made.file("notcert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "rw-r--r--");
        var big = made.file("big.key", Files.readString(ec.key()) + "#".repeat(70 << 10), "rw-------");
        var one = Files.readString(ec.certificate());
        var thousand = made.file("thousand.pem", one.repeat(1000), "rw-r--r--");
        var eleven = made.file("eleven.pem", one.repeat(11), "rw-r--r--");
        var keyOnly = made.file("keyonly.pem", Files.readString(ec.key()), "rw-------");
        var folder = Files.createDirectory(dir.resolve("folder.pem"));
        var fifo = dir.resolve("fifo.key");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        var cert = ec.certificate();
        var key = ec.key();
        var yaml = """
                defaults: {bind: 127.0.0.1, handler: echo}
                services:
                  a: {port: 7401, tls: {certificate: %s, key: %s}}
                  b: {port: 7402, tls: {certificate: %s, key: %s}}
                  c: {port: 7403, tls: {certificate: %s, key: %s}}
                  d: {port: 7404, tls: {certificate: %s, key: %s}}
                  e: {port: 7405, tls: {certificate: %s, key: %s}}
                  f: {port: 7406, tls: {certificate: %s, key: %s}}
                  g: {port: 7407, tls: {certificate: %s, key: %s}}
                  h: {port: 7408, tls: {certificate: %s, key: %s}}
                  i: {port: 7409, tls: {certificate: %s, key: %s}}
                  j: {port: 7410, tls: {certificate: %s, key: %s}}
                  k: {port: 7411, tls: {certificate: %s, key: %s}}
                  l: {port: 7412, tls: {certificate: %s, key: %s}}
                  m: {port: 7413, tls: {certificate: %s, key: %s}}
                  n: {port: 7414, tls: {certificate: %s, key: %s}}
                """.formatted(empty, key, cert, text, der, key, cert, big, thousand, key, eleven, key, keyOnly, keyOnly,
                folder, key, cert, fifo, dir.resolve("missing.pem"), key, cut, key, bad64, key, notCert, key,
                cert, der);
        var expected = List.of(
                "3: certificate 'DIR/empty.pem' is empty (expected a PEM file)",
                "4: key 'DIR/text.pem' is not PEM (no '-----BEGIN' line) (expected a PEM file)",
                "5: certificate 'DIR/cert.der' is DER, not PEM (expected a PEM file; convert it with: openssl x509 "
                        + "-inform der -in DIR/cert.der -out DIR/cert.der.pem)",
                "6: cannot read key 'DIR/big.key': too large: %d bytes, more than 64 KiB (expected a readable regular "
                        .formatted(Files.size(big)) + "PEM file of at most 64 KiB)",
                "7: certificate 'DIR/thousand.pem' holds 1000 certificates, more than 10 (expected the server's "
                        + "certificate, then its intermediates (at most 10, leaf first))",
                "8: certificate 'DIR/eleven.pem' holds 11 certificates, more than 10 (expected the server's "
                        + "certificate, then its intermediates (at most 10, leaf first))",
                "9: certificate 'DIR/keyonly.pem' holds no certificate (expected a PEM file of certificates "
                        + "(-----BEGIN CERTIFICATE-----))",
                "10: cannot read certificate 'DIR/folder.pem': not a regular file: a directory (expected a readable "
                        + "regular PEM file of at most 1 MiB)",
                "11: cannot read key 'DIR/fifo.key': not a regular file: a FIFO (expected a readable regular PEM "
                        + "file of at most 64 KiB)",
                "12: cannot read certificate 'DIR/missing.pem': no such file (expected a PEM file)",
                "13: certificate 'DIR/cut.pem' is not PEM: 'BEGIN CERTIFICATE' has no 'END CERTIFICATE' (expected a PEM file)",
                "14: certificate 'DIR/bad64.pem' is not PEM: 'BEGIN CERTIFICATE' does not hold base64 (expected a PEM file)",
                "15: certificate 'DIR/notcert.pem': certificate #1 cannot be read: Could not parse certificate: java.io.IOException",
                "16: key 'DIR/cert.der' is DER, not PEM (expected a PEM file; convert it with: openssl pkey -inform "
                        + "der -in DIR/cert.der -out DIR/cert.der.pem)");
        // The key's column depends on the length of the temporary directory's name.
        var got = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> problems(yaml)).stream()
                .map(p -> p.replaceFirst("^(\\d+):\\d+:", "$1:")).toList();
        assertEquals(expected.size(), got.size(), String.join("\n", got));
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(got.get(i).startsWith(expected.get(i)), "expected " + expected.get(i) + "\n but got " + got.get(i));
        }
    }

    private static void giveToNobody(Path path) throws IOException {
        var nobody = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).setOwner(nobody);
    }

    @Test
    void aKeyReadableByOthersIsRefusedAndGroupReadIsAllowed() throws IOException {
        Files.setPosixFilePermissions(ec.key(), PosixFilePermissions.fromString("rw-r--r--"));
        var refused = List.of("8:12: key 'DIR/ec.key' holds a private key and is readable by others (mode 0644) "
                + "(expected a key only its owner and group read; fix with chmod o-r DIR/ec.key)");
        assertEquals(refused, problems(web(ec.certificate(), ec.key())));
        // Whoever the daemon runs as: a key others read is no secret.
        assertEquals(refused, problems(web(ec.certificate(), ec.key()), NOT_ROOT));
        Files.setPosixFilePermissions(ec.key(), PosixFilePermissions.fromString("rw-r-----"));
        assertEquals("EC", tls(web(ec.certificate(), ec.key()), "web").identity().key().getAlgorithm());
        assertEquals(List.of(), tls(web(ec.certificate(), ec.key()), "web").warnings(java.time.Instant.now()),
                "root's group reads it");
        // A group that every user of the machine may be in: served, with a word at check and start.
        var lookup = ec.key().getFileSystem().getUserPrincipalLookupService();
        Files.getFileAttributeView(ec.key(), java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(lookup.lookupPrincipalByGroupName("users"));
        assertEquals(List.of("key " + ec.key() + " is readable by the group users: each of its members can read the "
                + "private key (give it to ssl-cert or root's group, or chmod g-r)"),
                tls(web(ec.certificate(), ec.key()), "web").warnings(java.time.Instant.now()));
        Files.setPosixFilePermissions(ec.key(), PosixFilePermissions.fromString("rw-------"));
        assertEquals(List.of(), tls(web(ec.certificate(), ec.key()), "web").warnings(java.time.Instant.now()),
                "the group may not read it");
        // A certificate file that holds the key too is a key file.
        var both = made.file("both.pem", Files.readString(ec.certificate()) + Files.readString(ec.key()), "rw-r--r--");
        assertEquals(List.of("7:20: certificate 'DIR/both.pem' holds a private key and is readable by others (mode 0644) "
                + "(expected a key only its owner and group read; fix with chmod o-r DIR/both.pem)",
                "8:12: key 'DIR/both.pem' holds a private key and is readable by others (mode 0644) "
                + "(expected a key only its owner and group read; fix with chmod o-r DIR/both.pem)"),
                problems(web(both, both)));
        Files.setPosixFilePermissions(both, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals(both, tls(web(both, both), "web").identity().certificateFile());
    }

    @Test
    void filesAreHeldToTheTablesTrustRules() throws IOException {
        Files.setPosixFilePermissions(ec.key(), PosixFilePermissions.fromString("rw--w----"));
        assertEquals(List.of("8:12: key 'DIR/ec.key' not trusted: owned by uid 0 (root), mode 0620: group-writable "
                + "(expected owned by root, writable by root only; fix with chown root:root and chmod go-w)"),
                problems(web(ec.certificate(), ec.key())));
        Files.setPosixFilePermissions(ec.key(), PosixFilePermissions.fromString("rw-------"));
        giveToNobody(ec.certificate());
        assertEquals(List.of("7:20: certificate 'DIR/ec.pem' not trusted: owned by uid 65534 (nobody), mode 0644: not "
                + "owned by root (expected owned by root, writable by root only; fix with chown root:root and chmod go-w)"),
                problems(web(ec.certificate(), ec.key())));
        // A daemon that is not root trusts what its user could change anyway.
        assertInstanceOf(Loaded.Ok.class, load(web(ec.certificate(), ec.key()), NOT_ROOT));
    }

    @Test
    void aSymlinkedKeyIsReadThroughARootLinkOnlyAndItsTargetsModeCounts() throws IOException {
        // certbot's live/ directory links to archive/: a link of root's to a private key is fine.
        var link = Files.createSymbolicLink(dir.resolve("live.key"), ec.key());
        assertEquals(link, tls(web(ec.certificate(), link), "web").identity().keyFile());
        giveToNobody(link);
        assertEquals(List.of("8:12: key 'DIR/live.key' not trusted: symlink DIR/live.key is owned by uid 65534 (nobody), "
                + "mode 0777: not owned by root (expected owned by root, writable by root only; fix with chown root:root "
                + "DIR/live.key and chmod go-w DIR/live.key)"), problems(web(ec.certificate(), link)));
        var open = made.file("open.key", Files.readString(ec.key()), "rw-r--r--");
        var toOpen = Files.createSymbolicLink(dir.resolve("toopen.key"), open);
        assertEquals(List.of("8:12: key 'DIR/toopen.key' holds a private key and is readable by others (mode 0644) "
                + "(expected a key only its owner and group read; fix with chmod o-r DIR/toopen.key)"),
                problems(web(ec.certificate(), toOpen)));
        // A link to a file that is no key, such as /etc/shadow, shows nothing of it.
        var shadow = made.file("shadow", "root:$6$salt$hash:19000:0:99999:7:::\n", "rw-------");
        var toShadow = Files.createSymbolicLink(dir.resolve("shadow.key"), shadow);
        assertEquals(List.of("8:12: key 'DIR/shadow.key' is not PEM (no '-----BEGIN' line) (expected a PEM file)"),
                problems(web(ec.certificate(), toShadow)));
    }

    @Test
    void aNulOrARelativePathIsAProblem() throws IOException {
        // The reader refuses a NUL in any text, before a path is made of it.
        assertEquals(List.of("8:12: text with a NUL character (\\0) (expected text without NUL: no path, argument or "
                + "environment variable can hold one)"), problems(web(ec.certificate(), Path.of("/x"))
                .replace("key: /x", "key: \"/etc/ssl/x.key\\0\"")));
        assertEquals(List.of("8:12: key 'x.key' is a relative path (expected an absolute path such as /etc/ssl/x.key)"),
                problems(web(ec.certificate(), Path.of("x.key"))));
    }

    @Test
    void tlsAppliesToStreamsButNotToUdpOrToAProgramThatGetsTheSocket() throws IOException {
        var files = "{certificate: %s, key: %s}".formatted(ec.certificate(), ec.key());
        assertEquals(List.of(
                "3:49: 'tls' cannot apply: a UDP service has no stream to secure (expected no 'tls' on this service)",
                "4:49: 'tls' cannot apply: the program gets the socket itself (wait: true), and TLS cannot be put in "
                        + "front of it (expected no 'tls' on this service)",
                "5:55: 'tls' cannot apply: the program gets the socket itself (listen_fds: true), and TLS cannot be put "
                        + "in front of it (expected no 'tls' on this service)"),
                problems("""
                        defaults: {bind: 127.0.0.1}
                        services:
                          u: {port: 7401, protocol: udp, handler: echo, tls: %1$s}
                          w: {port: 7402, exec: [/bin/cat], wait: true, tls: %1$s}
                          l: {port: 7403, exec: [/bin/cat], listen_fds: true, tls: %1$s}
                        """.formatted(files)));
        // From defaults it applies where it can, and a service may lift it.
        var table = assertInstanceOf(Loaded.Ok.class, load("""
                defaults: {bind: 127.0.0.1, tls: %s}
                services:
                  u: {port: 7401, protocol: udp, handler: echo}
                  w: {port: 7402, exec: [/bin/cat], wait: true}
                  s: {protocol: unix, path: %s, handler: echo}
                  i: {port: 7403, exec: [/bin/cat], io: inherit}
                  r: {port: 7404, redirect: '127.0.0.1:7'}
                  plain: {port: 7405, handler: echo, tls: none}
                """.formatted(files, dir.resolve("s.sock")), 0)).table();
        for (var none : List.of("u", "w", "plain")) {
            assertEquals(Optional.empty(), table.service(none).orElseThrow().tls(), none);
        }
        for (var some : List.of("s", "i", "r")) {
            assertTrue(table.service(some).orElseThrow().tls().isPresent(), some);
        }
    }

    @Test
    void badSettingsAreProblemsAtTheirPlace() throws IOException {
        assertEquals(List.of(
                "9:19: protocol 'TLSv1.1' is not allowed (expected TLSv1.3 or TLSv1.2 (older ones are broken))",
                "9:28: protocol 'SSLv3' is not allowed (expected TLSv1.3 or TLSv1.2 (older ones are broken))",
                "10:18: alpn name 'a b' is not 1 to 255 visible ASCII characters (expected a protocol name such as h2, "
                        + "http/1.1 or imap)",
                "10:25: alpn name 'h2' is written twice (expected each name once)",
                "11:13: sni name '*.org' is no host name (expected a host name such as www.example.org, or *.example.org "
                        + "for any one label in front of it)",
                "11:26: sni name 'a..b' is no host name (expected a host name such as www.example.org, or *.example.org "
                        + "for any one label in front of it)",
                "11:38: sni name 'x_y.org' is no host name (expected a host name such as www.example.org, or "
                        + "*.example.org for any one label in front of it)",
                "12:15: 'client' has no ca (expected {ca: FILE of the authorities a client's certificate comes from})",
                "13:26: 'handshake_timeout' is 0 (expected a duration above 0, such as 10s)",
                "14:7: unknown key 'ciphers' (expected a key of tls: certificate, key, protocols, alpn, sni, client, "
                        + "handshake_timeout)",
                "15:7: unknown key 'handshake_timout' (expected a key of tls; did you mean 'handshake_timeout'?)"),
                problems(web(ec.certificate(), ec.key(), "protocols: [TLSv1.1, SSLv3]", "alpn: [h2, 'a b', h2]",
                        "sni: {'*.org': {}, 'a..b': {}, 'x_y.org': {}}", "client: {require: true}",
                        "handshake_timeout: 0", "ciphers: HIGH", "handshake_timout: 5s")));
        assertEquals(List.of("6:5: 'tls' has no key (expected {certificate: FILE, key: FILE})"),
                problems("services:\n  web:\n    bind: 127.0.0.1\n    port: 7443\n    handler: echo\n    tls:\n"
                        + "      certificate: " + ec.certificate() + "\n").stream()
                        .map(p -> p.replaceFirst("^\\d+:\\d+", "6:5")).toList());
        assertEquals(List.of("9:18: 'protocols' is empty (expected TLSv1.3, TLSv1.2 or both)"),
                problems(web(ec.certificate(), ec.key(), "protocols: []")));
    }

    @Test
    void anAliasBombUnderTlsMeetsTheReadersCap() throws IOException {
        var bomb = new StringBuilder("bombs:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'g'; c++) {
            bomb.append("  ").append(c).append(": &").append(c).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*" + (char) (c - 1)))).append("]\n");
        }
        var yaml = bomb + web(ec.certificate(), ec.key(), "alpn: *g");
        var problems = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> problems(yaml));
        assertTrue(problems.getFirst().contains("aliases expand to more than 200000 values"), problems::toString);
    }

    @Test
    void anExpiredCertificateIsServedWithAWarningAndSoIsOneNearItsEnd() throws IOException {
        var expired = made.dated("expired", "old.example.org", "-10d", 5);
        var soon = made.dated("soon", "soon.example.org", "-1d", 12);
        var early = made.dated("early", "early.example.org", "+2d", 30);
        var tls = tls(web(expired.certificate(), expired.key(), "sni: {soon.example.org: {certificate: %s, key: %s}, "
                .formatted(soon.certificate(), soon.key()) + "early.example.org: {certificate: %s, key: %s}, "
                .formatted(early.certificate(), early.key()) + "other.example.org: {certificate: %s, key: %s}}"
                .formatted(ec.certificate(), ec.key())), "web");
        var warnings = String.join("\n", tls.warnings(java.time.Instant.now())).replace(dir.toString(), "DIR");
        var lines = warnings.lines().toList();
        assertEquals(4, lines.size(), warnings);
        assertTrue(lines.get(0).matches("certificate DIR/expired.pem expired on 20\\S+Z; it is still served, and clients "
                + "will refuse it"), warnings);
        assertTrue(lines.get(1).matches("sni soon.example.org: certificate DIR/soon.pem expires in 1[01] days, on 20\\S+Z"),
                warnings);
        assertTrue(lines.get(2).matches("sni early.example.org: certificate DIR/early.pem is not valid before 20\\S+Z; "
                + "clients will refuse it until then"), warnings);
        assertEquals("sni other.example.org: certificate DIR/ec.pem does not name other.example.org (its names: "
                + "www.example.org, example.org); clients will refuse it", lines.get(3));
    }

    @Test
    void eachReadReadsTheFilesAgain() throws IOException {
        var yaml = web(ec.certificate(), ec.key());
        var first = tls(yaml, "web").identity().leaf();
        var renewed = made.selfSigned("renewed", "ec", "www.example.org");
        Files.copy(renewed.certificate(), ec.certificate(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // The certificate is new, the key old: a reload now would keep the table served before.
        assertEquals(List.of("8:12: key 'DIR/ec.key' does not match the certificate 'DIR/ec.pem' (EC key, first "
                + "certificate's: EC) (expected the private key of the first certificate of the file)"), problems(yaml));
        Files.copy(renewed.key(), ec.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var second = tls(yaml, "web").identity().leaf();
        assertTrue(!first.equals(second) && second.equals(tls(yaml, "web").identity().leaf()));
    }
}
