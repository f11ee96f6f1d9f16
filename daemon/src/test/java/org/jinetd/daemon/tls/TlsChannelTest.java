package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The plaintext channel: both ways at once, a half-close each way, close_notify at the end. */
@Timeout(180)
class TlsChannelTest {
    @TempDir
    Path dir;

    private TestCertificates.Pair web;

    @BeforeEach
    void certificate() throws IOException {
        web = new TestCertificates(dir).selfSigned("web", "ec", "www.example.org");
    }

    private String files() {
        return "certificate: %s\nkey: %s\n".formatted(web.certificate(), web.key());
    }

    private static byte[] noise(int size, long seed) {
        var bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    @Test
    void eightMebibytesEachWayAtOnceOnTwoThreads() throws Exception {
        for (var protocol : List.of("TLSv1.3", "TLSv1.2")) {
            bothWays(protocol);
        }
    }

    private void bothWays(String protocol) throws Exception {
        var up = noise(8 << 20, 1);
        var down = noise(8 << 20, 2);
        var received = new CompletableFuture<byte[]>();
        // The server reads on one thread and writes on another, as a bridge does.
        TlsServer.Serve serve = channel -> {
            var writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int at = 0; at < down.length; at += 70_000) {
                        channel.write(ByteBuffer.wrap(down, at, Math.min(70_000, down.length - at)));
                    }
                    channel.shutdownOutput();
                } catch (IOException e) {
                    received.completeExceptionally(e);
                }
            });
            var all = new java.io.ByteArrayOutputStream();
            var buffer = ByteBuffer.allocate(10_000);
            while (channel.read(buffer.clear()) >= 0) {
                all.write(buffer.array(), 0, buffer.position());
            }
            received.complete(all.toByteArray());
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (var server = new TlsServer(Fixtures.tls(dir, files()), serve);
             var socket = Clients.connect(Fixtures.client(web.certificate()), server.port(), Clients.protocol(protocol))) {
            var reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return socket.getInputStream().readNBytes(down.length);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            socket.getOutputStream().write(up);
            socket.getOutputStream().flush();
            assertArrayEquals(sha256(down), sha256(reader.get(120, TimeUnit.SECONDS)), protocol);
            // Our close_notify came after the last byte.
            assertEquals(-1, socket.getInputStream().read());
            if (protocol.equals("TLSv1.3")) {
                socket.shutdownOutput();
            } else {
                socket.close();
            }
            assertArrayEquals(sha256(up), sha256(received.get(120, TimeUnit.SECONDS)), protocol);
            assertEquals("done", server.nextEnd());
        }
    }

    @Test
    void aTls13ClientHalfClosesAndStillReadsWhatComesAfter() throws Exception {
        TlsServer.Serve serve = channel -> {
            var got = ByteBuffer.allocate(100);
            while (channel.read(got) >= 0) {
                // Until the client's close_notify.
            }
            var answer = "you said " + new String(got.array(), 0, got.position(), StandardCharsets.UTF_8);
            channel.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
            channel.shutdownOutput();
        };
        try (var server = new TlsServer(Fixtures.tls(dir, files()), serve);
             var socket = Clients.connect(Fixtures.client(web.certificate()), server.port(), Clients.protocol("TLSv1.3"))) {
            socket.getOutputStream().write("hi".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            assertEquals("you said hi", new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("done", server.nextEnd());
        }
    }

    @Test
    void afterOurShutdownOutputTheClientReadsItsEndAndMayStillWrite() throws Exception {
        TlsServer.Serve serve = channel -> {
            channel.write(ByteBuffer.wrap("bye\n".getBytes(StandardCharsets.UTF_8)));
            channel.shutdownOutput();
            var got = ByteBuffer.allocate(100);
            while (channel.read(got) >= 0) {
                // Until the client's end.
            }
            if (!new String(got.array(), 0, got.position(), StandardCharsets.UTF_8).equals("late")) {
                throw new IOException("read '" + new String(got.array(), 0, got.position(), StandardCharsets.UTF_8) + "'");
            }
        };
        try (var server = new TlsServer(Fixtures.tls(dir, files()), serve);
             var socket = Clients.connect(Fixtures.client(web.certificate()), server.port(), Clients.protocol("TLSv1.3"))) {
            assertEquals("bye\n", new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            socket.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            assertEquals("done", server.nextEnd());
        }
    }

    @Test
    void closeSendsCloseNotifySoOpensslSeesNoTruncation() throws Exception {
        TlsServer.Serve serve = channel -> channel.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.UTF_8)));
        for (var protocol : List.of("-tls1_3", "-tls1_2")) {
            try (var server = new TlsServer(Fixtures.tls(dir, files()), serve);
                 var client = OpenSsl.client(server.port(), protocol, "-CAfile", web.certificate().toString(), "-ign_eof")) {
                var said = client.talk("");
                assertTrue(said.contains("\nhello\n"), said);
                assertTrue(!said.contains("unexpected eof"), said);
                assertEquals("done", server.nextEnd());
            }
        }
    }

    @Test
    void aClientThatDropsTheConnectionEndsTheInput() throws Exception {
        var read = new CompletableFuture<String>();
        TlsServer.Serve serve = channel -> {
            var got = ByteBuffer.allocate(100);
            int n;
            while ((n = channel.read(got)) >= 0) {
                if (n == 0) {
                    throw new IOException("a blocking read returned 0");
                }
            }
            read.complete(new String(got.array(), 0, got.position(), StandardCharsets.UTF_8));
        };
        try (var server = new TlsServer(Fixtures.tls(dir, files()), serve);
             var plain = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
            var socket = (javax.net.ssl.SSLSocket) Fixtures.client(web.certificate()).getSocketFactory()
                    .createSocket(plain, "localhost", server.port(), false);
            socket.startHandshake();
            socket.getOutputStream().write("cut".getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            // The connection beneath ends without close_notify.
            plain.close();
            assertEquals("cut", read.get(60, TimeUnit.SECONDS));
            assertEquals("done", server.nextEnd());
        }
    }
}
