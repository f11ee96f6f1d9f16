package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.TestCertificates;
import org.jinetd.daemon.tls.ClientHellos;
import org.jinetd.daemon.tls.OpenSsl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile TLS clients against the whole daemon: each one ends with one line that says why,
 * runs no program, holds nothing after (no live connection, no child) and gives its place
 * back (the service has {@code instances: 1}, and a good client is served after each).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TlsHostileTest {
    @TempDir
    Path dir;
    private TestCertificates made;
    private TestCertificates.Pair localhost;
    private TestCertificates.Pair ca;
    /** Lines of the service "target" seen so far. */
    private int seen;
    /** Good clients served so far: the only programs that ran. */
    private int served;

    @BeforeEach
    void certificates() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        made = new TestCertificates(dir);
        localhost = made.selfSigned("localhost", "ec", "localhost");
        ca = made.authority("ca");
    }

    /** One program service, one place, a second to end a handshake, a client certificate optional. */
    private TestDaemon target() throws Exception {
        return TestDaemon.start("""
                services:
                  target:
                    bind: 127.0.0.1
                    instances: 1
                    exec: [/bin/echo, ran]
                    tls: {certificate: %s, key: %s, handshake_timeout: 1s, client: {ca: %s, require: false}}
                """.formatted(localhost.certificate(), localhost.key(), ca.certificate()));
    }

    /**
     * The next line of "target" is a refusal for {@code reason}, and after it nothing is held:
     * no connection live, no program ran or runs, and its one place serves a good client.
     */
    private String refused(TestDaemon d, String reason) throws Exception {
        var line = next(d);
        assertTrue(line.contains(" refused=" + reason + " ") || line.endsWith(" refused=" + reason), line);
        assertTrue(d.awaitIdle(Duration.ofSeconds(10)), "a connection is still live");
        assertEquals(0, d.daemon().children(), "a program runs");
        assertEquals(served, d.daemon().log().tally().of("target").connections(), "a program ran for it");
        try (var good = TlsClients.connect(TlsClients.trusting(localhost.certificate()), d.port("target"),
                TlsClients.sni("localhost"))) {
            assertEquals("ran\n", new String(good.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        served++;
        assertTrue(next(d).contains(" exit=0 "), "the good client after " + reason);
        return line;
    }

    /** The next line of "target", waited for. */
    private String next(TestDaemon d) {
        int want = ++seen;
        assertTrue(d.awaitLogs(lines -> lines.stream().filter(l -> l.startsWith("service=target ")).count() >= want),
                "no line " + want + ":\n" + String.join("\n", d.log()));
        return d.log().stream().filter(l -> l.startsWith("service=target ")).skip(want - 1).findFirst().orElseThrow();
    }

    /** Whether the daemon has closed the connection: EOF or a reset. */
    private static boolean closed(Socket socket) {
        try {
            while (socket.getInputStream().read() >= 0) {
                // Whatever it sent before (an alert) is read past.
            }
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void silenceHalfAHelloPlaintextABadNameAndOldHellosEachEndWithTheirLine() throws Exception {
        try (var d = target()) {
            int port = d.port("target");
            try (var silent = Clients.connect(port)) {
                long start = System.nanoTime();
                assertTrue(closed(silent));
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "closed before its second");
            }
            assertTrue(refused(d, "tls_timeout").contains(" error=\"no handshake within 1s\""));

            var hello = ClientHellos.jdkHello("localhost", "TLSv1.3");
            try (var half = Clients.connect(port)) {
                half.getOutputStream().write(hello, 0, hello.length / 2);
                assertTrue(closed(half));
            }
            refused(d, "tls_timeout");

            assertEquals("", Clients.exchange(port, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            assertTrue(refused(d, "tls_not_tls").contains(" error=\"the client's first bytes are no TLS handshake\""));

            // A name that is no host name, with a terminal's escape sequence in it: refused, and quoted in the line.
            try (var client = OpenSsl.client(port, "-servername", "a\u001b]0;owned\u0007.example.org", "-ign_eof")) {
                assertTrue(client.talk("").contains("illegal parameter"));
            }
            assertTrue(refused(d, "tls_other").contains(" error=\"Illegal server name, type=host_name(0), "
                    + "name=a\\x1b]0;owned\\x07.example.org, "), d.log().toString());

            // Hellos no client of today sends, made byte by byte.
            record Old(String name, byte[] hello, String error) {}
            for (var old : List.of(new Old("SSLv2", ClientHellos.sslv2Hello(), "an SSLv2 hello"),
                    new Old("SSLv3", ClientHellos.sslv3Hello(), "the client offers SSLv3"),
                    new Old("TLS 1.0", ClientHellos.oldHello(0x0301), "the client offers TLSv1"))) {
                try (var socket = Clients.connect(port)) {
                    socket.getOutputStream().write(old.hello());
                    assertTrue(closed(socket));
                }
                var line = refused(d, "tls_protocol");
                assertTrue(line.contains(" error=\"" + old.error() + "\""), old.name() + ": " + line);
            }
        }
    }

    @Test
    void aLongOrAHugeClientChainIsRefusedWithoutRunningAnything() throws Exception {
        var alice = made.issued("alice", ca, "ec");
        record Chain(int copies, String reason, String error) {}
        try (var d = target()) {
            // Longer than JSSE's 8, and bigger than its 32 KiB for a handshake message.
            for (var chain : List.of(new Chain(20, "tls_bad_certificate", "exceeds the maximum allowed length (8)"),
                    new Chain(100, "tls_other", "exceeds the maximum allowed size (32768)"))) {
                var file = dir.resolve("chain-" + chain.copies() + ".pem");
                Files.writeString(file, Files.readString(ca.certificate()).repeat(chain.copies()));
                for (var version : List.of("-tls1_3", "-tls1_2")) {
                    try (var client = OpenSsl.client(d.port("target"), version, "-cert", alice.certificate().toString(),
                            "-key", alice.key().toString(), "-cert_chain", file.toString(), "-ign_eof")) {
                        var said = client.talk("");
                        assertTrue(!said.contains("ran\n"), said);
                    }
                    var line = refused(d, chain.reason());
                    assertTrue(line.contains(chain.error()), chain + " " + version + ": " + line);
                }
            }
        }
    }

    @Test
    void aCertificateMessageThatNeverEndsIsCutAtTheBoundOfAHandshakeMessage() throws Exception {
        try (var d = target()) {
            long start = System.nanoTime();
            long sent = endlessCertificate(d.port("target"));
            long took = System.nanoTime() - start;
            // It claims 16 MiB and would send 64: the daemon stops it at its first record.
            assertTrue(sent < (8 << 20), sent + " bytes taken");
            var line = refused(d, "tls_other");
            assertTrue(line.contains(" error=\"The size of the handshake message (16777215) exceeds the maximum "
                    + "allowed size (32768)\""), line);
            assertTrue(took < TimeUnit.SECONDS.toNanos(1), "it took the whole handshake_timeout: " + took / 1_000_000 + " ms");
        }
    }

    /**
     * A TLS 1.2 handshake up to the server's ServerHelloDone, then a Certificate message
     * (plaintext in TLS 1.2) whose header says 16 MiB, and records after it until 64 MiB are
     * sent or the server closes; the bytes it managed to send.
     */
    private static long endlessCertificate(int port) throws Exception {
        try (var socket = Clients.connect(port)) {
            socket.getOutputStream().write(ClientHellos.jdkHello(null, "TLSv1.2"));
            var in = new DataInputStream(socket.getInputStream());
            var messages = new ByteArrayOutputStream();
            flight:
            while (true) {
                int type = in.readUnsignedByte();
                in.readUnsignedShort();
                var body = in.readNBytes(in.readUnsignedShort());
                if (type != 0x16) {
                    fail("the server sent a record of type " + type + " in its first flight");
                }
                messages.writeBytes(body);
                var all = ByteBuffer.wrap(messages.toByteArray());
                while (all.remaining() >= 4) {
                    int message = all.get() & 0xff;
                    int length = (all.get() & 0xff) << 16 | all.getShort() & 0xffff;
                    if (message == 14) {
                        break flight;
                    }
                    if (length > all.remaining()) {
                        break;
                    }
                    all.position(all.position() + length);
                }
            }
            var out = socket.getOutputStream();
            var record = new byte[5 + 16384];
            record[0] = 0x16;
            record[1] = 3;
            record[2] = 3;
            record[3] = 0x40;
            var first = record.clone();
            first[5] = 11;
            first[6] = first[7] = first[8] = (byte) 0xff;
            long sent = 0;
            try {
                out.write(first);
                sent += first.length;
                while (sent < (64 << 20)) {
                    out.write(record);
                    sent += record.length;
                }
            } catch (IOException e) {
                // The daemon closed the connection: what is measured.
            }
            return sent;
        }
    }

    @Test
    void aClientThatAsksToRenegotiateIsCutAndTheLineSaysWhy() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  cat: {bind: 127.0.0.1, exec: [/bin/cat], tls: {certificate: %1$s, key: %2$s}}
                  echo: {bind: 127.0.0.1, handler: echo, tls: {certificate: %1$s, key: %2$s}}
                """.formatted(localhost.certificate(), localhost.key()))) {
            for (var service : List.of("cat", "echo")) {
                try (var client = OpenSsl.client(d.port(service), "-tls1_2", "-CAfile",
                        localhost.certificate().toString())) {
                    client.await("Verify return code: 0 (ok)");
                    client.send("hello\n");
                    client.await("\nhello\n");
                    client.send("R\n");
                    client.await("RENEGOTIATING");
                    var said = client.exit();
                    // The client never got through a second handshake.
                    assertTrue(!said.substring(said.indexOf("RENEGOTIATING")).contains("Verify return code"), said);
                }
                var line = d.awaitLog("service=" + service + " ");
                assertTrue(line.contains(" tls=TLSv1.2 ") && line.contains(" reason=renegotiation "), line);
            }
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(0, d.daemon().children());
        }
    }

    /** Served as stunnel serves it, the client left to judge; check warns of it (CommandLineTest). */
    @Test
    void anExpiredCertificateIsServed() throws Exception {
        var old = made.dated("old", "localhost", "-30d", 10);
        try (var d = TestDaemon.start("services: {old: {bind: 127.0.0.1, exec: [/bin/echo, ran], "
                + "tls: {certificate: %s, key: %s}}}".formatted(old.certificate(), old.key()))) {
            try (var client = OpenSsl.client(d.port("old"), "-CAfile", old.certificate().toString(), "-ign_eof")) {
                var said = client.talk("");
                assertTrue(said.contains("Verify return code: 10 (certificate has expired)"), said);
                assertTrue(said.contains("\nran\n"), said);
            }
            assertTrue(d.awaitLog("service=old ").contains(" exit=0 "));
        }
    }

    @Test
    void aFloodOfUnfinishedHandshakesIsClosedAtTheDeadlineAndAGoodClientIsServedMeanwhile() throws Exception {
        var hello = ClientHellos.jdkHello("localhost", "TLSv1.3");
        try (var d = TestDaemon.start("""
                services:
                  target:
                    bind: 127.0.0.1
                    instances: 300
                    exec: [/bin/echo, ran]
                    tls: {certificate: %s, key: %s, handshake_timeout: 2s}
                """.formatted(localhost.certificate(), localhost.key()))) {
            int port = d.port("target");
            var flood = new ArrayList<Socket>();
            try {
                for (int i = 0; i < 200; i++) {
                    var socket = Clients.connect(port);
                    socket.getOutputStream().write(hello, 0, hello.length / 2);
                    flood.add(socket);
                }
                // Each waits on a thread of its own: the next client's handshake does not wait for them.
                try (var good = TlsClients.connect(TlsClients.trusting(localhost.certificate()), port,
                        TlsClients.sni("localhost"))) {
                    assertEquals("ran\n", new String(good.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                }
                for (var socket : flood) {
                    assertTrue(closed(socket));
                }
            } finally {
                for (var socket : flood) {
                    socket.close();
                }
            }
            // Twenty lines a second of one reason, and the rest counted: in a line, and in status.
            var counts = d.daemon().log().tally().of("target");
            assertTrue(d.awaitLogs(lines -> counts.refused().getOrDefault("tls_timeout", 0L) == 200
                    && lines.stream().anyMatch(l -> l.startsWith("service=target refused=tls_timeout unlogged="))),
                    counts.refused() + "\n" + String.join("\n", d.log()));
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(1, counts.connections());
            assertEquals(0, d.daemon().children());
        }
    }
}
