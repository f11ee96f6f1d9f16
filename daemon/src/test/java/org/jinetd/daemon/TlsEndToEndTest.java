package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.TestCertificates;
import org.jinetd.daemon.proxy.Accept;
import org.jinetd.daemon.proxy.ProxyHeader;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;
import org.jinetd.daemon.proxy.ProxyParser;
import org.jinetd.daemon.proxy.Ssl;
import org.jinetd.daemon.tls.OpenSsl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls:} through the whole daemon with the clients people use: openssl s_client (SNI,
 * ALPN, client certificates, old versions), curl against a handler, and the JDK's client
 * behind a PROXY header. A program sees sslserver's variables, a handler
 * {@code Connection.tls()}, and the line says what the handshake agreed on or why it failed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TlsEndToEndTest {
    private static final Path CURL = Path.of("/usr/bin/curl");

    @TempDir
    Path dir;
    private TestCertificates made;
    private TestCertificates.Pair localhost;

    @BeforeEach
    void certificates() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        made = new TestCertificates(dir);
        localhost = made.selfSigned("localhost", "ec", "localhost");
    }

    /** The {@code tls:} of the localhost certificate, with {@code more} keys. */
    private String tls(String more) {
        return "{certificate: %s, key: %s%s}".formatted(localhost.certificate(), localhost.key(),
                more.isEmpty() ? "" : ", " + more);
    }

    /**
     * A program that writes the environment it got, {@code NAME=value} a line ({@code unset}
     * where it is not set), then {@code SSL_CLIENT_CERT} as it is.
     */
    private Path environment() throws IOException {
        var script = dir.resolve("environment.sh");
        Files.writeString(script, """
                #!/bin/sh
                for v in SSL_PROTOCOL SSL_CIPHER SSL_TLS_SNI SSL_ALPN SSL_CLIENT_S_DN SSL_CLIENT_I_DN \\
                         SSL_CLIENT_M_SERIAL SSL_CLIENT_V_START SSL_CLIENT_V_END TCPREMOTEIP PROXY_PEER_IP; do
                    eval "value=\\${$v-unset}"
                    printf '%s=%s\\n' "$v" "$value"
                done
                printf '%s' "${SSL_CLIENT_CERT-}"
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The variables {@link #environment()} wrote, from whatever else a client printed around them. */
    private static Map<String, String> variables(String output) {
        var found = new LinkedHashMap<String, String>();
        for (var line : output.lines().toList()) {
            int equals = line.indexOf('=');
            if (equals > 0 && line.substring(0, equals).matches("SSL_[A-Z_]+|TCPREMOTEIP|PROXY_PEER_IP")) {
                found.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return found;
    }

    private record Ran(int code, String out) {}

    private static Ran run(List<String> command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " still runs");
        return new Ran(process.exitValue(), out);
    }

    private static String openssl(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        var ran = run(command);
        assertEquals(0, ran.code(), ran.out());
        return ran.out().strip();
    }

    /** s_client with these arguments, its input ended at once; waits for the server to end the connection. */
    private static String sClient(int port, String... args) throws Exception {
        var all = new ArrayList<>(List.of(args));
        all.add("-ign_eof");
        try (var client = OpenSsl.client(port, all.toArray(String[]::new))) {
            return client.talk("");
        }
    }

    /** The line of the next connection to {@code service} after {@code seen} lines of it. */
    private static String lineOf(TestDaemon d, String service, int seen) {
        var prefix = "service=" + service + " ";
        assertTrue(d.awaitLogs(lines -> lines.stream().filter(l -> l.startsWith(prefix)).count() > seen),
                "no line " + (seen + 1) + " of " + service + ":\n" + String.join("\n", d.log()));
        return d.log().stream().filter(l -> l.startsWith(prefix)).skip(seen).findFirst().orElseThrow();
    }

    @Test
    void sniPicksTheCertificateOfTheNameAskedForExactThenWildcardElseTheDefault() throws Exception {
        var www = made.selfSigned("www", "ec", "www.example.org");
        var net = made.selfSigned("net", "rsa", "*.example.net");
        try (var d = TestDaemon.start("""
                services:
                  web:
                    bind: 127.0.0.1
                    exec: [%s]
                    tls: %s
                """.formatted(environment(), tls(("sni: {www.example.org: {certificate: %s, key: %s}, "
                + "'*.example.net': {certificate: %s, key: %s}}").formatted(www.certificate(), www.key(),
                net.certificate(), net.key()))))) {
            int port = d.port("web");
            record Asked(List<String> args, String subject, String sni) {}
            var cases = List.of(
                    new Asked(List.of("-servername", "www.example.org", "-CAfile", www.certificate().toString(),
                            "-verify_hostname", "www.example.org", "-verify_return_error"), "CN = www.example.org",
                            "www.example.org"),
                    new Asked(List.of("-servername", "a.example.net", "-CAfile", net.certificate().toString(),
                            "-verify_hostname", "a.example.net", "-verify_return_error"), "CN = *.example.net",
                            "a.example.net"),
                    // A wildcard stands for one label: two are the default's.
                    new Asked(List.of("-servername", "a.b.example.net"), "CN = localhost", "a.b.example.net"),
                    new Asked(List.of("-noservername"), "CN = localhost", "unset"));
            for (int i = 0; i < cases.size(); i++) {
                var asked = cases.get(i);
                var said = sClient(port, asked.args().toArray(String[]::new));
                assertTrue(said.contains("\nsubject=" + asked.subject() + "\n"), asked + ":\n" + said);
                assertEquals(asked.sni(), variables(said).get("SSL_TLS_SNI"), said);
                var line = lineOf(d, "web", i);
                assertTrue(line.contains(" tls=TLSv1.3 ") && line.contains(" exit=0 "), line);
                assertEquals(!asked.sni().equals("unset"), line.contains(" sni=" + asked.sni() + " "), line);
            }
            assertEquals(4, d.daemon().log().tally().of("web").handshakes());
        }
    }

    @Test
    void alpnIsTheServersChoiceAndAClientWithNoneInCommonIsRefusedBeforeTheProgram() throws Exception {
        try (var d = TestDaemon.start("services: {app: {bind: 127.0.0.1, exec: [%s], tls: %s}}"
                .formatted(environment(), tls("alpn: [h2, http/1.1]")))) {
            int port = d.port("app");
            var both = sClient(port, "-alpn", "http/1.1,h2");
            assertTrue(both.contains("ALPN protocol: h2\n"), both);
            assertEquals("h2", variables(both).get("SSL_ALPN"));
            lineOf(d, "app", 0);
            var one = sClient(port, "-alpn", "http/1.1");
            assertTrue(one.contains("ALPN protocol: http/1.1\n"), one);
            assertEquals("http/1.1", variables(one).get("SSL_ALPN"));
            lineOf(d, "app", 1);
            var none = sClient(port);
            assertTrue(none.contains("No ALPN negotiated"), none);
            assertEquals("unset", variables(none).get("SSL_ALPN"));
            lineOf(d, "app", 2);
            var other = sClient(port, "-alpn", "spdy/3");
            assertTrue(other.contains("no application protocol"), other);
            var refused = lineOf(d, "app", 3);
            assertTrue(refused.contains(" refused=tls_alpn "), refused);
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(3, d.daemon().log().tally().of("app").connections(), "the refused client ran no program");
        }
    }

    @Test
    void sslCipherIsTheSuiteOpensslNamedAndTheLogLineTheJdksName() throws Exception {
        try (var d = TestDaemon.start("services: {app: {bind: 127.0.0.1, exec: [%s], tls: %s}}"
                .formatted(environment(), tls("")))) {
            int port = d.port("app");
            // TLS 1.2: OpenSSL's name differs from the JDK's; the client's own report says which it took.
            var old = sClient(port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
            assertTrue(old.contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), old);
            assertEquals("ECDHE-ECDSA-AES128-GCM-SHA256", variables(old).get("SSL_CIPHER"), old);
            assertEquals("TLSv1.2", variables(old).get("SSL_PROTOCOL"), old);
            assertTrue(lineOf(d, "app", 0).contains(" cipher=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 "), d.log().toString());
            // TLS 1.3: one name in both.
            var now = sClient(port, "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256");
            assertEquals("TLS_CHACHA20_POLY1305_SHA256", variables(now).get("SSL_CIPHER"), now);
            assertTrue(lineOf(d, "app", 1).contains(" cipher=TLS_CHACHA20_POLY1305_SHA256 "), d.log().toString());
        }
    }

    @Test
    void aProgramGetsTheClientsCertificateInSslserversVariablesAsOpensslWritesThem() throws Exception {
        var ca = made.authority("ca");
        // A serial whose first byte is below 0x10: its leading zero is kept, as openssl and mod_ssl write it.
        var alice = made.client("alice", ca, "/CN=alice/O=Example", "0x0123456789ABCDEF");
        var stranger = made.client("stranger", made.authority("other"), "/CN=stranger", "0x1234");
        var script = environment();
        try (var d = TestDaemon.start("""
                services:
                  required: {bind: 127.0.0.1, exec: [%1$s], tls: %2$s}
                  optional: {bind: 127.0.0.1, exec: [%1$s], tls: %3$s}
                """.formatted(script, tls("client: {ca: %s, require: true}".formatted(ca.certificate())),
                tls("client: {ca: %s, require: false}".formatted(ca.certificate()))))) {
            var shown = List.of("-cert", alice.certificate().toString(), "-key", alice.key().toString(), "-quiet");
            var said = sClient(d.port("required"), shown.toArray(String[]::new));
            var env = variables(said);
            var pem = alice.certificate().toString();
            assertEquals("subject=" + env.get("SSL_CLIENT_S_DN"), openssl("x509", "-in", pem, "-noout", "-subject",
                    "-nameopt", "RFC2253"), said);
            assertEquals("O=Example,CN=alice", env.get("SSL_CLIENT_S_DN"));
            assertEquals("CN=ca", env.get("SSL_CLIENT_I_DN"));
            assertEquals("serial=" + env.get("SSL_CLIENT_M_SERIAL"), openssl("x509", "-in", pem, "-noout", "-serial"));
            assertEquals("0123456789ABCDEF", env.get("SSL_CLIENT_M_SERIAL"));
            assertEquals("notBefore=" + env.get("SSL_CLIENT_V_START"), openssl("x509", "-in", pem, "-noout", "-startdate"));
            assertEquals("notAfter=" + env.get("SSL_CLIENT_V_END"), openssl("x509", "-in", pem, "-noout", "-enddate"));
            assertTrue(said.endsWith(Files.readString(alice.certificate())), said);
            assertEquals("TLSv1.3", env.get("SSL_PROTOCOL"));
            assertTrue(env.get("SSL_CIPHER").startsWith("TLS_AES_"), env.toString());
            assertTrue(lineOf(d, "required", 0).contains(" exit=0 "));

            // None shown where one is required: refused, and nothing ran.
            var without = sClient(d.port("required"), "-quiet");
            assertTrue(without.contains("certificate required"), without);
            assertTrue(lineOf(d, "required", 1).contains(" refused=tls_no_certificate "), d.log().toString());

            // Where one is optional: none is served without the variables; one of another authority is refused.
            var anonymous = variables(sClient(d.port("optional"), "-quiet"));
            assertEquals("unset", anonymous.get("SSL_CLIENT_S_DN"), anonymous.toString());
            assertEquals("TLSv1.3", anonymous.get("SSL_PROTOCOL"));
            assertTrue(lineOf(d, "optional", 0).contains(" exit=0 "));
            var strange = sClient(d.port("optional"), "-cert", stranger.certificate().toString(), "-key",
                    stranger.key().toString(), "-quiet");
            assertFalse(strange.contains("SSL_PROTOCOL="), strange);
            assertTrue(lineOf(d, "optional", 1).contains(" refused=tls_bad_certificate "), d.log().toString());
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(1, d.daemon().log().tally().of("required").connections());
            assertEquals(1, d.daemon().log().tally().of("optional").connections());
        }
    }

    @Test
    void aClientsOwnTextInItsCertificateReachesTheProgramEscaped() throws Exception {
        var ca = made.authority("ca");
        // A line break that would start a variable of its own in `env` output, a terminal's
        // escape sequence and bell, and a letter past ASCII: openssl's RFC 2253 form escapes each.
        var mallory = made.client("mallory", ca,
                "/CN=x\\r\\nSSL_CLIENT_S_DN=CN=admin\\033]0;owned\\007/O=caf\\303\\251", "0x05");
        try (var d = TestDaemon.start("services: {required: {bind: 127.0.0.1, exec: [%s], tls: %s}}".formatted(
                environment(), tls("client: {ca: %s, require: true}".formatted(ca.certificate()))))) {
            var said = sClient(d.port("required"), "-cert", mallory.certificate().toString(), "-key",
                    mallory.key().toString(), "-quiet");
            var env = variables(said);
            assertEquals("O=caf\\C3\\A9,CN=x\\0D\\0ASSL_CLIENT_S_DN\\=CN\\=admin\\1B]0\\;owned\\07",
                    env.get("SSL_CLIENT_S_DN"), said);
            assertEquals("05", env.get("SSL_CLIENT_M_SERIAL"));
            assertEquals(1, said.lines().filter(l -> l.startsWith("SSL_CLIENT_S_DN=")).count(), said);
        }
    }

    @Test
    void aHandlerSeesTheSessionAndCurlReadsItsAnswerToTheEnd() throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
        var ca = made.authority("ca");
        var alice = made.client("alice", ca, "/CN=alice", "0x2a");
        try (var d = TestDaemon.start("""
                services:
                  https: {bind: 127.0.0.1, handler: http, tls: %s}
                  mutual: {bind: 127.0.0.1, handler: http, tls: %s}
                """.formatted(tls("alpn: [http/1.1]"), tls("client: {ca: %s}".formatted(ca.certificate()))))) {
            var url = "https://localhost:%d/".formatted(d.port("https"));
            var resolve = "localhost:%d:127.0.0.1".formatted(d.port("https"));
            // The answer has no length: only the close_notify at its end tells curl it is whole.
            var ran = run(List.of(CURL.toString(), "-sS", "--cacert", localhost.certificate().toString(), "--resolve",
                    resolve, url));
            assertEquals(0, ran.code(), ran.out());
            assertTrue(ran.out().startsWith("protocol=TLSv1.3\ncipher=TLS_"), ran.out());
            assertTrue(ran.out().contains("\nsni=localhost\nalpn=http/1.1\nclient=-\nchain=0\npeer=/127.0.0.1:"),
                    ran.out());
            var twelve = run(List.of(CURL.toString(), "-sS", "--tlsv1.2", "--tls-max", "1.2", "--cacert",
                    localhost.certificate().toString(), "--resolve", resolve, url));
            assertEquals(0, twelve.code(), twelve.out());
            assertTrue(twelve.out().startsWith("protocol=TLSv1.2\ncipher=TLS_ECDHE_ECDSA_"), twelve.out());
            var line = lineOf(d, "https", 0);
            assertTrue(line.contains(" tls=TLSv1.3 cipher=TLS_") && line.contains(" sni=localhost "), line);
            assertFalse(line.contains("error="), line);

            var mutual = "localhost:%d:127.0.0.1".formatted(d.port("mutual"));
            var shown = run(List.of(CURL.toString(), "-sS", "--cacert", localhost.certificate().toString(), "--cert",
                    alice.certificate().toString(), "--key", alice.key().toString(), "--resolve", mutual,
                    "https://localhost:%d/".formatted(d.port("mutual"))));
            assertEquals(0, shown.code(), shown.out());
            assertTrue(shown.out().contains("\nclient=CN=alice\nchain=1\n"), shown.out());
            assertEquals(2, d.daemon().log().tally().of("https").handshakes());
        }
    }

    @Test
    void aHandlerThatReturnsEndsWithCloseNotifySoTheClientSeesNoCut() throws Exception {
        try (var d = TestDaemon.start("services: {daytime: {bind: 127.0.0.1, handler: daytime, tls: %s}}"
                .formatted(tls("")))) {
            var said = sClient(d.port("daytime"), "-CAfile", localhost.certificate().toString());
            assertTrue(said.contains("Verify return code: 0 (ok)"), said);
            assertTrue(said.matches("(?s).*\\n\\w+day, \\w+ \\d+, \\d{4} .*\\nclosed\\n.*"), said);
            assertFalse(said.contains("unexpected eof"), said);
        }
    }

    @Test
    void theBannerIsSentInsideTls() throws Exception {
        try (var d = TestDaemon.start("services: {greet: {bind: 127.0.0.1, banner: \"hello banner\\n\", "
                + "exec: [/bin/echo, hi], tls: %s}}".formatted(tls("")));
             var socket = TlsClients.connect(TlsClients.trusting(localhost.certificate()), d.port("greet"),
                     TlsClients.sni("localhost"))) {
            socket.shutdownOutput();
            assertEquals("hello banner\nhi\n", new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII));
        }
    }

    @Test
    void oldVersionsAreRefusedAsProtocolAndRunNothing() throws Exception {
        try (var d = TestDaemon.start("services: {old: {bind: 127.0.0.1, exec: [/bin/echo, ran], tls: %s}}"
                .formatted(tls("")))) {
            int seen = 0;
            for (var version : List.of("-tls1", "-tls1_1")) {
                // openssl speaks them only at the security level that still allows their ciphers.
                var said = sClient(d.port("old"), version, "-cipher", "DEFAULT@SECLEVEL=0");
                assertTrue(said.contains("alert protocol version"), said);
                var line = lineOf(d, "old", seen++);
                var offered = version.equals("-tls1") ? "TLSv1" : "TLSv1.1";
                assertTrue(line.contains(" refused=tls_protocol error=\"the client offers " + offered + "\""), line);
            }
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(0, d.daemon().log().tally().of("old").connections(), "no program ran");
            assertEquals(Map.of("tls_protocol", 2L), d.daemon().log().tally().of("old").refused());
        }
    }

    @Test
    void behindAProxyHeaderTheProgramAndTheHandlerSeeTheClientItNamesAndTheSession() throws Exception {
        var proxy = "proxy: {from: [127.0.0.0/8], version: any}";
        try (var d = TestDaemon.start("""
                services:
                  program: {bind: 127.0.0.1, exec: [%1$s], %2$s, tls: %3$s}
                  handler: {bind: 127.0.0.1, handler: http, %2$s, tls: %3$s}
                """.formatted(environment(), proxy, tls("")))) {
            var context = TlsClients.trusting(localhost.certificate());
            // Version 1, then the handshake on the same socket, as a balancer that passes TLS through sends it.
            try (var socket = TlsClients.over(headed(d.port("program"), v1(d.port("program"))), context,
                    TlsClients.sni("localhost"))) {
                socket.shutdownOutput();
                var env = variables(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                assertEquals("192.0.2.7", env.get("TCPREMOTEIP"), env.toString());
                assertEquals("127.0.0.1", env.get("PROXY_PEER_IP"));
                assertEquals("TLSv1.3", env.get("SSL_PROTOCOL"));
                assertEquals("localhost", env.get("SSL_TLS_SNI"));
            }
            var line = lineOf(d, "program", 0);
            assertTrue(line.startsWith("service=program peer=192.0.2.7:4567 via=127.0.0.1:"), line);
            assertTrue(line.contains(" tls=TLSv1.3 ") && line.contains(" exit=0 "), line);
            // Version 2, to a handler.
            try (var socket = TlsClients.over(headed(d.port("handler"), v2()), context, TlsClients.sni("localhost"))) {
                socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                var answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.contains("\npeer=/192.0.2.9:5678\nvia=/127.0.0.1:"), answer);
                assertTrue(answer.contains("\nprotocol=TLSv1.3\n"), answer);
            }
            assertTrue(lineOf(d, "handler", 0).startsWith("service=handler peer=192.0.2.9:5678 via=127.0.0.1:"));
        }
    }

    /**
     * A redirect behind {@code tls:} forwards plaintext, and its v2 header tells the target what
     * the daemon's handshake agreed: the SNI name, the ALPN protocol, and the SSL TLV with the
     * version, the cipher, the client certificate's CN and the shown certificate's algorithms.
     */
    @Test
    void aRedirectBehindTlsSendsItsSessionInTheProxyHeader() throws Exception {
        var ca = made.authority("ca");
        var alice = made.client("alice", ca, "/CN=alice/O=Example", "0x42");
        try (var target = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
             var d = TestDaemon.start("""
                services:
                  relay: {bind: 127.0.0.1, redirect: {to: "127.0.0.1:%d", proxy: 2}, tls: %s}
                """.formatted(target.getLocalPort(),
                     tls("alpn: [x-relay], client: {ca: %s, require: false}".formatted(ca.certificate()))))) {
            var heard = new CompletableFuture<ProxyHeader>();
            Thread.ofVirtual().start(() -> {
                try (var relayed = target.accept()) {
                    relayed.setSoTimeout(10_000);
                    var in = relayed.getInputStream();
                    var bytes = new byte[1024];
                    int length = 0;
                    var accept = Accept.V2;
                    var parsed = ProxyParser.parse(bytes, 0, accept);
                    while (parsed instanceof Parsed.Partial(int more)) {
                        in.readNBytes(bytes, length, more);
                        length += more;
                        parsed = ProxyParser.parse(bytes, length, accept);
                    }
                    if (!(parsed instanceof Parsed.Complete complete)) {
                        throw new IOException("target read " + parsed);
                    }
                    var asked = new String(in.readNBytes(6), StandardCharsets.US_ASCII);
                    relayed.getOutputStream().write(("plain " + asked).getBytes(StandardCharsets.US_ASCII));
                    heard.complete(complete.header());
                } catch (IOException | RuntimeException e) {
                    heard.completeExceptionally(e);
                }
            });
            try (var client = OpenSsl.client(d.port("relay"), "-servername", "localhost", "-alpn", "x-relay",
                    "-cert", alice.certificate().toString(), "-key", alice.key().toString(), "-quiet", "-ign_eof")) {
                var said = client.talk("hello\n");
                assertTrue(said.contains("plain hello\n"), said);
            }
            var header = (ProxyHeader.Inet) heard.get(30, TimeUnit.SECONDS);
            var tlvs = header.tlvs();
            assertEquals(Optional.of("localhost"), tlvs.authority(), tlvs.toString());
            assertEquals(Optional.of("x-relay"), tlvs.alpn(), tlvs.toString());
            assertTrue(tlvs.uniqueId().isPresent(), tlvs.toString());
            var ssl = tlvs.ssl().orElseThrow();
            assertEquals(Ssl.CLIENT_SSL | Ssl.CLIENT_CERT_CONN
                    | Ssl.CLIENT_CERT_SESS, ssl.client(), ssl.toString());
            assertTrue(ssl.verified(), ssl.toString());
            assertEquals(Optional.of("TLSv1.3"), ssl.version());
            assertTrue(ssl.cipher().orElseThrow().startsWith("TLS_AES_"), ssl.toString());
            assertEquals(Optional.of("alice"), ssl.commonName());
            assertEquals(Optional.of("EC256"), ssl.keyAlg());
            assertEquals(Optional.of("ecdsa-with-SHA256"), ssl.sigAlg());
            assertEquals("127.0.0.1", header.source().getAddress().getHostAddress());
            assertEquals(d.port("relay"), header.destination().getPort());
        }
    }

    @Test
    void haproxySendsItsProxyHeaderThenTlsAndTheHandlerSeesItsClient() throws Exception {
        var haproxy = Path.of("/usr/sbin/haproxy");
        assumeTrue(Files.isExecutable(haproxy), "haproxy is not installed (.ci/run installs it)");
        try (var d = TestDaemon.start("services: {web: {bind: 127.0.0.1, handler: http, proxy: {from: [127.0.0.0/8], "
                + "version: 2}, tls: %s}}".formatted(tls("alpn: [h2, http/1.1]")))) {
            // haproxy learns its client from the PROXY header of ours (accept-proxy), then sends its own
            // to the daemon, and TLS after it, checking the daemon's certificate as a client does.
            var config = Files.writeString(dir.resolve("haproxy.cfg"), """
                    global
                      maxconn 16
                    defaults
                      mode tcp
                      timeout connect 30s
                      timeout client 30s
                      timeout server 30s
                    frontend plain
                      bind unix@%1$s/plain.sock accept-proxy
                      default_backend daemon
                    backend daemon
                      server s 127.0.0.1:%2$d send-proxy-v2 ssl verify required ca-file %3$s sni str(localhost) alpn http/1.1
                    """.formatted(dir, d.port("web"), localhost.certificate()));
            var process = new ProcessBuilder(haproxy.toString(), "-db", "-f", config.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
            try {
                var plain = dir.resolve("plain.sock");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                // haproxy binds a temporary name and renames it: once the name is there, it listens.
                while (!Files.exists(plain)) {
                    assertTrue(process.isAlive() && System.nanoTime() < deadline,
                            "haproxy did not listen:\n" + Files.readString(dir.resolve("haproxy.log")));
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
                try (var channel = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(plain))) {
                    channel.write(java.nio.ByteBuffer.wrap(("PROXY TCP4 198.51.100.4 127.0.0.1 3456 443\r\n"
                            + "GET / HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                    var answer = new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(),
                            StandardCharsets.UTF_8);
                    assertTrue(answer.startsWith("HTTP/1.0 200 OK\r\n"), answer);
                    assertTrue(answer.contains("\nprotocol=TLSv1.3\n") && answer.contains("\nsni=localhost\nalpn=http/1.1\n"),
                            answer);
                    assertTrue(answer.contains("\npeer=/198.51.100.4:3456\nvia=/127.0.0.1:"), answer);
                }
                var line = lineOf(d, "web", 0);
                assertTrue(line.startsWith("service=web peer=198.51.100.4:3456 via=127.0.0.1:"), line);
                assertTrue(line.contains(" tls=TLSv1.3 ") && line.contains(" sni=localhost "), line);
            } finally {
                process.destroy();
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "haproxy did not stop");
            }
        }
    }

    /** A plain connection to {@code port} that has sent {@code header}. */
    private static java.net.Socket headed(int port, byte[] header) throws IOException {
        var socket = Clients.connect(port);
        socket.getOutputStream().write(header);
        socket.getOutputStream().flush();
        return socket;
    }

    private static byte[] v1(int port) {
        return "PROXY TCP4 192.0.2.7 127.0.0.1 4567 %d\r\n".formatted(port).getBytes(StandardCharsets.US_ASCII);
    }

    /** A version 2 header for 192.0.2.9:5678 → 127.0.0.1:443, PROXY over TCP4. */
    private static byte[] v2() {
        var header = java.nio.ByteBuffer.allocate(28);
        header.put(new byte[] {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a});
        header.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        header.put(new byte[] {(byte) 192, 0, 2, 9}).put(new byte[] {127, 0, 0, 1});
        header.putShort((short) 5678).putShort((short) 443);
        return header.array();
    }
}
