package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jinetd.daemon.config.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built launcher serving {@code tls:} with its own JIT flags and runtime image: a program
 * and a handler behind TLS, a certificate renewed in place and {@code jinetd reload}, a
 * renewal gone wrong that {@code jinetd reload} reports while the certificate before is
 * served on, and {@code jinetd status} counting handshakes and failed ones.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsLauncherIT {
    @TempDir
    Path dir;

    private static Launched.Ended jinetd(String... args) throws Exception {
        return Launched.run(args);
    }

    private static void install(TestCertificates.Pair pair, Path live) throws Exception {
        Files.copy(pair.certificate(), live.resolve("web.pem"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(pair.key(), live.resolve("web.key"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** A full handshake with {@code port}: the certificate it shows, and the first line of the answer. */
    private record Answer(X509Certificate shown, String line) {}

    private static Answer ask(SSLContext client, int port, String request) throws Exception {
        try (var socket = TlsClients.connect(client, port, TlsClients.sni("localhost"))) {
            socket.getSession().invalidate();
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new Answer((X509Certificate) socket.getSession().getPeerCertificates()[0],
                    TlsClients.line(socket.getInputStream()));
        }
    }

    /** The cells of web's row of {@code jinetd status}. */
    private static String[] webRow(Path table) throws Exception {
        var status = jinetd("status", "-c", table.toString());
        assertEquals(0, status.code(), status.err());
        return status.out().lines().filter(l -> l.startsWith("web ")).findFirst().orElseThrow().trim()
                .split("\\s{2,}");
    }

    @Test
    void theLauncherServesTlsAndReloadRenewsItsCertificateOrSaysWhyNot() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var made = new TestCertificates(dir);
        var first = made.selfSigned("first", "ec", "localhost");
        var renewed = made.selfSigned("renewed", "ec", "localhost");
        var live = Files.createDirectory(dir.resolve("live"));
        install(first, live);
        int web = TestDaemon.freePort();
        int program = TestDaemon.freePort();
        var socket = dir.resolve("run/control.sock");
        var table = dir.resolve("services.yaml");
        var tls = "{certificate: %s, key: %s}".formatted(live.resolve("web.pem"), live.resolve("web.key"));
        Files.writeString(table, """
                control_socket: %s
                services:
                  web: {bind: 127.0.0.1, port: %d, handler: echo, tls: %s}
                  program: {bind: 127.0.0.1, port: %d, exec: [/bin/sh, -c, 'echo "$SSL_PROTOCOL $SSL_TLS_SNI"'], tls: %s}
                """.formatted(socket, web, tls, program, tls));
        var client = TlsClients.trusting(first.certificate(), renewed.certificate());
        try (var daemon = Launched.start("run", "-c", table.toString())) {
            daemon.awaitErr("control: listening on " + socket);
            assertTrue(LauncherIT.arguments(daemon.pid()).contains("-XX:TieredStopAtLevel=4"),
                    LauncherIT.arguments(daemon.pid()).toString());
            var answer = ask(client, web, "hi\n");
            assertEquals("hi\n", answer.line());
            assertEquals(TlsClients.certificate(first.certificate()), answer.shown());
            assertEquals("TLSv1.3 localhost\n", ask(client, program, "").line());

            // Renewed in place, as certbot's deploy hook would, then reloaded.
            install(renewed, live);
            var reload = jinetd("reload", "-c", table.toString());
            assertEquals(0, reload.code(), reload.err());
            assertEquals(TlsClients.certificate(renewed.certificate()), ask(client, web, "hi\n").shown());

            // A renewal gone wrong: the key of another certificate. Reported; the one before is served on.
            Files.copy(first.key(), live.resolve("web.key"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            var bad = jinetd("reload", "-c", table.toString());
            assertEquals(1, bad.code(), bad.err());
            assertTrue(bad.err().startsWith(table + ":3:"), bad.err());
            assertTrue(bad.err().contains("key '" + live.resolve("web.key") + "' does not match the certificate"),
                    bad.err());
            assertTrue(bad.err().contains("still serving the table loaded before"), bad.err());
            assertEquals(TlsClients.certificate(renewed.certificate()), ask(client, web, "hi\n").shown());

            // A client that speaks no TLS: refused, and counted.
            assertEquals("", Clients.exchange(web, "GET / HTTP/1.0\r\n\r\n"));
            daemon.awaitErr(" refused=tls_not_tls ");

            // A connection is counted once its line is written, a moment after its client has its answer.
            var cells = webRow(table);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!cells[6].equals("3") && System.nanoTime() < deadline) {
                cells = webRow(table);
            }
            assertEquals("3", cells[6], String.join(" | ", cells));
            assertEquals("tls_not_tls=1", cells[7], String.join(" | ", cells));
            var metrics = jinetd("status", "--prometheus", "-c", table.toString()).out();
            assertTrue(metrics.contains("\njinetd_tls_handshakes_total{service=\"web\"} 3\n"), metrics);
            assertTrue(metrics.contains("\njinetd_tls_handshakes_total{service=\"program\"} 1\n"), metrics);
            assertTrue(metrics.contains("\njinetd_refused_total{service=\"web\",reason=\"tls_not_tls\"} 1\n"), metrics);

            assertEquals(0, jinetd("stop", "-c", table.toString()).code());
            assertEquals(0, daemon.exit());
        }
    }

    /**
     * A table whose TLS service is in an included file gets both compilers from the launcher;
     * flags that take C2 away get a warning that says what it costs and how to undo it.
     */
    @Test
    void tlsInAnIncludedFileGetsBothCompilersAndFlagsThatTakeC2AwayAreWarnedOf() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var pair = new TestCertificates(dir).selfSigned("web", "ec", "localhost");
        var included = Files.createDirectory(dir.resolve("conf.d"));
        int web = TestDaemon.freePort();
        Files.writeString(included.resolve("web.yaml"), """
                services:
                  web: {bind: 127.0.0.1, port: %d, handler: echo, tls: {certificate: %s, key: %s}}
                """.formatted(web, pair.certificate(), pair.key()));
        var table = dir.resolve("services.yaml");
        Files.writeString(table, "control_socket: none\ninclude: [conf.d/*.yaml]\nservices: {}\n");
        var client = TlsClients.trusting(pair.certificate());
        try (var daemon = Launched.start("run", "-c", table.toString())) {
            daemon.awaitErr("ready: 1 service listening");
            assertTrue(LauncherIT.arguments(daemon.pid()).contains("-XX:TieredStopAtLevel=4"),
                    LauncherIT.arguments(daemon.pid()).toString());
            assertEquals("hi\n", ask(client, web, "hi\n").line());
            daemon.signal("TERM");
            assertEquals(0, daemon.exit());
            assertFalse(daemon.err().contains("quick compiler"), daemon.err());
        }
        try (var daemon = Launched.start(java.util.Map.of("JINETD_JAVA_OPTS", "-XX:TieredStopAtLevel=1"),
                "run", "-c", table.toString())) {
            daemon.awaitErr("ready: 1 service listening");
            assertTrue(daemon.err().contains("TLS on web runs its handshakes under the quick compiler alone"),
                    daemon.err());
            assertEquals("hi\n", ask(client, web, "hi\n").line());
            daemon.signal("TERM");
            assertEquals(0, daemon.exit());
        }
    }
}
