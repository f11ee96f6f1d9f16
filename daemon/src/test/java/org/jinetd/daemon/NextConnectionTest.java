package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The very next connection after a reload meets the new table, even though the listener was
 * already waiting in accept() when the table changed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NextConnectionTest {
    private static final String TABLE = """
            services:
              echo: {port: %d, bind: 127.0.0.1, handler: echo, %s}
            """;

    @Test
    void aTightenedOnlyFromRefusesTheVeryNextClient() throws Exception {
        int port = TestDaemon.freePort();
        try (var d = TestDaemon.start(TABLE.formatted(port, "only_from: [127.0.0.0/8]"))) {
            assertEquals("before", echo(port, "before"));
            reload(d, TABLE.formatted(port, "only_from: [10.0.0.0/8]"));
            assertEquals("", echo(port, "after"));
            d.awaitLog("refused=only_from");
        }
    }

    @Test
    void aLoosenedOnlyFromServesTheVeryNextClient() throws Exception {
        int port = TestDaemon.freePort();
        try (var d = TestDaemon.start(TABLE.formatted(port, "only_from: [10.0.0.0/8]"))) {
            assertEquals("", echo(port, "before"));
            reload(d, TABLE.formatted(port, "only_from: [127.0.0.0/8]"));
            assertEquals("after", echo(port, "after"));
        }
    }

    @Test
    void aChangedBannerIsSentToTheVeryNextClient() throws Exception {
        int port = TestDaemon.freePort();
        try (var d = TestDaemon.start(TABLE.formatted(port, "banner: \"one\\n\""))) {
            assertEquals("one", firstLine(port));
            reload(d, TABLE.formatted(port, "banner: \"two\\n\""));
            assertEquals("two", firstLine(port));
        }
    }

    private static void reload(TestDaemon d, String yaml) throws IOException {
        var file = TestDaemon.write(yaml);
        var table = assertInstanceOf(Loaded.Ok.class, Config.load(file)).table();
        var reloaded = d.daemon().reload(table);
        assertEquals(1, reloaded.kept().size(), reloaded.toString());
        Files.delete(file);
    }

    /** What the echo service sends back for one line: the line, or nothing when refused. */
    private static String echo(int port, String line) throws IOException {
        try (var s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            try {
                s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            } catch (java.net.SocketException reset) {
                return "";
            }
        }
    }

    private static String firstLine(int port) throws IOException {
        try (var s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            var in = s.getInputStream();
            var line = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
