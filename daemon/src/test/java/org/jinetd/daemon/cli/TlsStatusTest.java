package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.Clients;
import org.jinetd.daemon.TestDaemon;
import org.jinetd.daemon.TlsClients;
import org.jinetd.daemon.config.TestCertificates;
import org.jinetd.daemon.control.Signals;
import org.jinetd.daemon.tls.ClientHellos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jinetd status} shows each TLS service's handshakes, and its failed ones as refusals
 * by reason ({@code tls_...}), in its table, {@code --json} and {@code --prometheus}; a plain
 * service has no handshakes to show.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsStatusTest {
    @TempDir
    Path dir;

    private final Supervised run = new Supervised();

    @Test
    void statusShowsHandshakesAndTheirFailuresByReason() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var localhost = new TestCertificates(dir).selfSigned("localhost", "ec", "localhost");
        var control = dir.resolve("run/control.sock");
        int web = TestDaemon.freePort();
        int plain = TestDaemon.freePort();
        var file = dir.resolve("services.yaml");
        Files.writeString(file, """
                control_socket: %s
                services:
                  web: {bind: 127.0.0.1, port: %d, handler: echo, tls: {certificate: %s, key: %s}}
                  plain: {bind: 127.0.0.1, port: %d, handler: echo}
                """.formatted(control, web, localhost.certificate(), localhost.key(), plain));
        var running = run.start(file);
        try {
            run.await(l -> l.startsWith("control: listening on "));
            for (int i = 0; i < 2; i++) {
                try (var socket = TlsClients.connect(TlsClients.trusting(localhost.certificate()), web,
                        TlsClients.sni("localhost"))) {
                    socket.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("hi\n", TlsClients.line(socket.getInputStream()));
                }
            }
            assertEquals("", Clients.exchange(web, "GET / HTTP/1.0\r\n\r\n"));
            try (var old = Clients.connect(web)) {
                old.getOutputStream().write(ClientHellos.oldHello(0x0301));
                old.getInputStream().readAllBytes();
            }
            assertEquals("x", Clients.exchange(plain, "x"));
            run.await(l -> l.contains("refused=tls_protocol"));
            run.await(l -> l.startsWith("service=plain "));
            awaitEnded("web", 2);

            var table = Cli.run("status", "--socket", control.toString());
            assertEquals(0, table.code(), table.err());
            var rows = table.out().lines().toList();
            var header = Arrays.asList(rows.get(1).trim().split("\\s{2,}"));
            assertEquals(List.of("SERVICE", "PROTOCOL", "ADDRESS", "STATE", "LIVE", "TOTAL", "HANDSHAKES", "REFUSED",
                    "FAILED", "LAST ERROR"), header, table.out());
            var webRow = row(rows, "web");
            assertEquals("2", webRow.get(header.indexOf("HANDSHAKES")), table.out());
            assertEquals("tls_not_tls=1,tls_protocol=1", webRow.get(header.indexOf("REFUSED")), table.out());
            assertEquals("0", webRow.get(header.indexOf("FAILED")), table.out());
            assertEquals("-", row(rows, "plain").get(header.indexOf("HANDSHAKES")), table.out());

            var json = new ObjectMapper().readTree(Cli.run("status", "--json", "--socket", control.toString()).out());
            for (var service : json.get("services")) {
                switch (service.get("name").asText()) {
                    case "web" -> {
                        assertEquals(2, service.get("handshakes").asLong(), service.toString());
                        assertEquals(1, service.get("refused").get("tls_not_tls").asLong(), service.toString());
                        assertEquals(1, service.get("refused").get("tls_protocol").asLong(), service.toString());
                    }
                    case "plain" -> assertFalse(service.has("handshakes"), service.toString());
                    default -> throw new AssertionError(service.toString());
                }
            }

            var metrics = Cli.run("status", "--prometheus", "--socket", control.toString()).out();
            assertTrue(metrics.contains("# TYPE jinetd_tls_handshakes_total counter\n"), metrics);
            assertTrue(metrics.contains("\njinetd_tls_handshakes_total{service=\"web\"} 2\n"), metrics);
            assertFalse(metrics.contains("jinetd_tls_handshakes_total{service=\"plain\"}"), metrics);
            assertTrue(metrics.contains("\njinetd_refused_total{service=\"web\",reason=\"tls_protocol\"} 1\n"), metrics);
            assertTrue(metrics.contains("\njinetd_refused_total{service=\"web\",reason=\"tls_not_tls\"} 1\n"), metrics);
        } finally {
            run.signals.request(new Signals.Request.Stop("SIGTERM"));
            running.get(20, TimeUnit.SECONDS);
        }
    }

    /** The cells of a service's row of the table (no cell of these is empty or has two spaces). */
    private static List<String> row(List<String> rows, String service) {
        return rows.stream().filter(r -> r.startsWith(service + " ")).findFirst()
                .map(r -> Arrays.asList(r.trim().split("\\s{2,}"))).orElseThrow(() -> new AssertionError(rows));
    }

    /** Waits until {@code service} has {@code count} run.lines of connections that ended (not refused). */
    private void awaitEnded(String service, int count) throws InterruptedException {
        run.await(l -> run.lines.stream().filter(x -> x.startsWith("service=" + service + " ") && x.contains(" tls="))
                .count() >= count);
    }
}
