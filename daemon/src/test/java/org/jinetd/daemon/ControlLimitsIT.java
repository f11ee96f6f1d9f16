package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a control client may do to a running daemon: too many, too slow, too long; none of it ends the control socket. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ControlLimitsIT {
    private static final int MAX_CLIENTS = 16;
    private static final int MAX_REQUEST = 64 * 1024;

    @TempDir
    Path dir;

    private Path socket;

    private SocketChannel connect() throws IOException {
        var channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return channel;
    }

    /** Everything the daemon sends until it closes (or resets) the connection. */
    private static CompletableFuture<byte[]> untilClosed(SocketChannel channel) {
        return CompletableFuture.supplyAsync(() -> {
            var all = new ByteArrayOutputStream();
            var buffer = ByteBuffer.allocate(4096);
            try {
                while (channel.read(buffer.clear()) >= 0) {
                    all.write(buffer.array(), 0, buffer.position());
                }
            } catch (IOException e) {
                // A reset ends it as well as a close.
            }
            return all.toByteArray();
        }, r -> Thread.ofVirtual().start(r));
    }

    private JsonNode ask(String line) throws Exception {
        try (var channel = connect()) {
            channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            return new ObjectMapper().readTree(untilClosed(channel).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void tooManyTooSlowAndTooLongClientsAreClosedAndTheDaemonStillAnswers() throws Exception {
        socket = dir.resolve("run/control.sock");
        var table = TestDaemon.write("control_socket: %s\nservices: {echo: {bind: 127.0.0.1, handler: echo}}"
                .formatted(socket));
        try (var daemon = Launched.start("run", "-c", table.toString())) {
            daemon.awaitErr("control: listening on " + socket);

            // 16 clients that say nothing hold every place; the 17th is closed at once.
            var silent = new ArrayList<SocketChannel>();
            var ends = new ArrayList<CompletableFuture<byte[]>>();
            long since = System.nanoTime();
            for (int i = 0; i < MAX_CLIENTS; i++) {
                silent.add(connect());
                ends.add(untilClosed(silent.getLast()));
            }
            try (var extra = connect()) {
                assertEquals(0, untilClosed(extra).get(4, TimeUnit.SECONDS).length);
                assertTrue(ends.stream().noneMatch(CompletableFuture::isDone), "the 16 are still being waited for");
            }
            daemon.awaitErr("control: 16 clients at once; closing the others until one ends");
            // Then the silent ones are closed, after a few seconds, without a word.
            for (var end : ends) {
                assertEquals(0, end.get(15, TimeUnit.SECONDS).length);
            }
            assertTrue(System.nanoTime() - since >= Duration.ofSeconds(4).toNanos(), "closed for silence, not at once");
            daemon.awaitErr("control: a client sent no whole request within 5s; closed");
            for (var channel : silent) {
                channel.close();
            }

            // Half a request, and then nothing: closed too.
            try (var half = connect()) {
                half.write(ByteBuffer.wrap("{\"command\":\"sta".getBytes(StandardCharsets.UTF_8)));
                assertEquals(0, untilClosed(half).get(15, TimeUnit.SECONDS).length);
            }

            // A line longer than the cap is answered with an error, not read on.
            var tooLong = ask("x".repeat(MAX_REQUEST + 1));
            assertEquals(false, tooLong.get("ok").asBoolean());
            assertEquals("a request longer than 65536 bytes", tooLong.get("message").asText());
            // One that never ends: the daemon stops reading; the client's writes fail.
            try (var endless = connect()) {
                var chunk = ByteBuffer.allocate(1024 * 1024);
                assertThrows(IOException.class, () -> {
                    for (int mib = 0; mib < 32; mib++) {
                        endless.write(chunk.clear());
                    }
                });
            }
            var malformed = ask("{\"command\": [1, 2\n");
            assertEquals(false, malformed.get("ok").asBoolean());
            assertTrue(malformed.get("message").asText().startsWith("not a request: "), malformed.toString());

            // After all that, the control socket still answers, from the command line too.
            assertEquals(true, ask("{\"command\":\"status\"}\n").get("ok").asBoolean());
            try (var status = Launched.start("status", "--socket", socket.toString())) {
                assertEquals(0, status.exit(), status.err());
                assertTrue(status.out().contains("\necho "), status.out());
            }
            daemon.signal("TERM");
            assertEquals(0, daemon.exit());
            assertTrue(!Files.exists(socket));
        }
    }
}
