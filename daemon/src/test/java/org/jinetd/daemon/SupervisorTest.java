package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.control.ControlMessages;
import org.jinetd.daemon.control.Signals;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.LogOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The main loop: a reload that fails in any way keeps the running table, and a stop is
 * handled while a table is still being read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SupervisorTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Signals signals = new Signals();
    /** Where the log would go: stderr is kept here; nothing is written to it by the supervisor's lines in this JVM. */
    private final java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
    private final LogOutput output = new LogOutput(stderr, false, "/nonexistent/journal", "/nonexistent/log",
            org.jinetd.daemon.os.AppendFile.ANY);

    @Test
    void aStopIsHandledWhileATableIsStillBeingRead() throws Exception {
        int port = TestDaemon.freePort();
        var file = TestDaemon.write("services: {echo: {port: %d, bind: 127.0.0.1, handler: echo}}".formatted(port));
        var stuck = new CountDownLatch(1);
        var calls = new AtomicInteger();
        Function<Path, Loaded> reader = path -> {
            if (calls.incrementAndGet() > 1) {
                // A table that never finishes reading, as a FIFO or a hung name service would.
                awaitQuietly(stuck);
            }
            return Config.load(path);
        };
        try {
            var running = start(reader, file);
            var reply = reload();
            await("reload: jinetd reload received");
            signals.request(new Signals.Request.Stop("SIGTERM"));
            assertInstanceOf(Supervisor.Outcome.Stopped.class, running.get(20, TimeUnit.SECONDS));
            var answer = reply.get(5, TimeUnit.SECONDS);
            assertFalse(answer.ok());
            assertTrue(answer.message().contains("not applied"), answer.message());
            assertTrue(lines.stream().anyMatch(l -> l.contains("while a table was being read")), lines.toString());
        } finally {
            stuck.countDown();
        }
    }

    @Test
    void anyFailureOfTheReaderKeepsTheRunningTableServed() throws Exception {
        int port = TestDaemon.freePort();
        var file = TestDaemon.write("services: {echo: {port: %d, bind: 127.0.0.1, handler: echo}}".formatted(port));
        var calls = new AtomicInteger();
        Function<Path, Loaded> reader = path -> switch (calls.incrementAndGet()) {
            case 1 -> Config.load(path);
            case 2 -> throw new OutOfMemoryError("Java heap space");
            case 3 -> throw new java.nio.file.InvalidPathException("/srv/a\0b", "Nul character not allowed");
            default -> throw new StackOverflowError();
        };
        var running = start(reader, file);
        for (var what : List.of("OutOfMemoryError", "InvalidPathException", "StackOverflowError")) {
            var answer = reload().get(20, TimeUnit.SECONDS);
            assertFalse(answer.ok());
            assertTrue(answer.problems().getFirst().startsWith(file + ":1:1: cannot read: " + what),
                    answer.problems().toString());
            assertEquals("hi", echo(port), "still served after " + what);
        }
        signals.request(new Signals.Request.Stop("SIGTERM"));
        assertInstanceOf(Supervisor.Outcome.Stopped.class, running.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aReloadReadsEveryCertificateAndKeyAgainAndABadOneKeepsTheCertificateServed() throws Exception {
        int port = TestDaemon.freePort();
        var dir = java.nio.file.Files.createTempDirectory("jinetd-tls");
        java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            var made = new org.jinetd.daemon.config.TestCertificates(dir);
            var web = made.selfSigned("web", "ec", "localhost");
            var renewed = made.selfSigned("renewed", "ec", "localhost");
            var other = made.key("other", "ec");
            var live = java.nio.file.Files.createDirectory(dir.resolve("live"));
            var certificate = live.resolve("web.pem");
            var key = live.resolve("web.key");
            copy(web.certificate(), certificate);
            copy(web.key(), key);
            var file = TestDaemon.write(("services: {echo: {port: %d, bind: 127.0.0.1, handler: echo, "
                    + "tls: {certificate: %s, key: %s}}}").formatted(port, certificate, key));
            var running = start(path -> Config.load(path), file);
            var client = TlsClients.trusting(web.certificate(), renewed.certificate());
            assertEquals("CN=localhost", shown(client, port).getSubjectX500Principal().getName());
            var first = shown(client, port);
            assertEquals(TlsClients.certificate(web.certificate()), first);

            // A key that does not match: a problem at its place in the table, naming the file.
            copy(other, key);
            var answer = reload().get(20, TimeUnit.SECONDS);
            assertFalse(answer.ok());
            assertTrue(answer.problems().getFirst().startsWith(file + ":9:12: key '" + key
                    + "' does not match the certificate"), answer.problems().toString());
            assertEquals(first, shown(client, port), "the certificate read before is served on");

            // A certificate file that holds no certificate: the same.
            copy(renewed.key(), key);
            java.nio.file.Files.writeString(certificate, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n"
                    + "-----END CERTIFICATE-----\n");
            answer = reload().get(20, TimeUnit.SECONDS);
            assertFalse(answer.ok());
            assertTrue(answer.problems().getFirst().startsWith(file + ":8:20: certificate '" + certificate + "'"),
                    answer.problems().toString());
            assertEquals(first, shown(client, port), "the certificate read before is served on");

            // Both renewed: the next handshake shows the new one.
            copy(renewed.certificate(), certificate);
            assertTrue(reload().get(20, TimeUnit.SECONDS).ok());
            assertEquals(TlsClients.certificate(renewed.certificate()), shown(client, port));
            signals.request(new Signals.Request.Stop("SIGTERM"));
            assertInstanceOf(Supervisor.Outcome.Stopped.class, running.get(20, TimeUnit.SECONDS));
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                for (var f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(f);
                }
            }
        }
    }

    /** Copies a certificate or key file where the table names it, its mode kept (a key stays 0600). */
    private static void copy(Path from, Path to) throws IOException {
        java.nio.file.Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** The certificate a full handshake with the echo service shows, which then echoes. */
    private static java.security.cert.X509Certificate shown(javax.net.ssl.SSLContext client, int port)
            throws IOException {
        // Without SNI: a session of the same name would be resumed, and show the certificate of its first.
        try (var socket = TlsClients.connect(client, port, TlsClients.noSni())) {
            socket.getSession().invalidate();
            socket.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hi\n", TlsClients.line(socket.getInputStream()));
            return (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void aBadTableAtStartIsReportedAndNothingIsBound() throws Exception {
        var file = TestDaemon.write("services: {echo: {port: 70000, handler: echo}}");
        var outcome = new Supervisor(path -> Config.load(path), file, log(), signals, output).run();
        var bad = assertInstanceOf(Supervisor.Outcome.BadTable.class, outcome);
        assertTrue(bad.problems().getFirst().toString().contains("70000"), bad.problems().toString());
    }

    @Test
    void theTablesLogKeyMovesTheLogAndEachGoodReloadOpensItsFileAgain() throws Exception {
        int port = TestDaemon.freePort();
        var dir = java.nio.file.Files.createTempDirectory("jinetd-log");
        var logFile = dir.resolve("jinetd.log");
        var service = "services: {echo: {port: %d, bind: 127.0.0.1, handler: echo}}".formatted(port);
        var file = TestDaemon.write("log: " + logFile + "\n" + service);
        var running = start(path -> Config.load(path), file);
        entry("INFO one");
        assertTrue(java.nio.file.Files.readString(logFile).endsWith(" INFO one\n"));

        // logrotate: rename, then reload.
        java.nio.file.Files.move(logFile, dir.resolve("jinetd.log.1"));
        assertTrue(reload().get(20, TimeUnit.SECONDS).ok());
        entry("INFO two");
        assertTrue(java.nio.file.Files.readString(logFile).endsWith(" INFO two\n"));

        // A table with a problem changes nothing, its log: neither.
        java.nio.file.Files.writeString(file, "log: var/log/jinetd.log\ncontrol_socket: none\n" + service);
        assertFalse(reload().get(20, TimeUnit.SECONDS).ok());
        entry("INFO three");
        assertTrue(java.nio.file.Files.readString(logFile).endsWith(" INFO three\n"));

        // Without log:, the log goes where the daemon runs: stderr, here.
        java.nio.file.Files.writeString(file, "control_socket: none\n" + service);
        assertTrue(reload().get(20, TimeUnit.SECONDS).ok());
        entry("INFO four");
        assertTrue(java.nio.file.Files.readString(logFile).endsWith(" INFO log: to stderr from now on\n"));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).endsWith(" INFO four\n"), stderr::toString);
        signals.request(new Signals.Request.Stop("SIGTERM"));
        assertInstanceOf(Supervisor.Outcome.Stopped.class, running.get(20, TimeUnit.SECONDS));
        try (var files = java.nio.file.Files.list(dir)) {
            for (var f : files.toList()) {
                java.nio.file.Files.delete(f);
            }
        }
        java.nio.file.Files.delete(dir);
    }

    /** As the log provider writes an entry: the text, a newline, a flush. */
    private void entry(String text) throws IOException {
        output.entries().write((text + "\n").getBytes(StandardCharsets.UTF_8));
        output.entries().flush();
    }

    private CompletableFuture<Supervisor.Outcome> start(Function<Path, Loaded> reader, Path file)
            throws InterruptedException {
        var supervisor = new Supervisor(reader, file, log(), signals, output);
        var running = TestDaemon.running(supervisor);
        await("ready:");
        return running;
    }

    private CompletableFuture<ControlMessages.Reply> reload() {
        var reply = new CompletableFuture<ControlMessages.Reply>();
        signals.request(new Signals.Request.Reload("jinetd reload", reply));
        return reply;
    }

    private ConnectionLog log() {
        return new ConnectionLog(line -> {
            synchronized (lines) {
                lines.add(line);
                lines.notifyAll();
            }
        });
    }

    private void await(String containing) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (lines) {
            while (lines.stream().noneMatch(l -> l.contains(containing))) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, "no log line with '" + containing + "' within 10 s: " + lines);
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String echo(int port) throws IOException {
        try (var s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }
}
