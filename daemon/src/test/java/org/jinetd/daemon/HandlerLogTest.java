package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's handler logs through the JDK's System.Logger, and its lines reach the daemon's
 * log with the service and client they were written for, within a bound however much it logs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandlerLogTest {
    @TempDir
    Path dir;

    /**
     * Logs {@code options: {lines: N}} lines (and, with {@code thrown: yes}, a warning with an
     * exception), then answers; its provider logs a line when it is made, outside any connection.
     */
    static final String CHATTY = """
            package example;
            import java.nio.ByteBuffer;
            import java.util.*;
            import org.jinetd.handler.*;
            public final class Chatty implements HandlerProvider {
                private static final System.Logger LOG = System.getLogger("example.Chatty");
                public Chatty() { LOG.log(System.Logger.Level.INFO, "made"); }
                public String name() { return "chatty"; }
                public Optional<StreamHandler> stream(Map<String, String> options) {
                    int lines = Integer.parseInt(options.getOrDefault("lines", "1"));
                    boolean thrown = options.containsKey("thrown");
                    return Optional.of(c -> {
                        for (int i = 0; i < lines; i++) {
                            LOG.log(System.Logger.Level.INFO, "said {0}", i);
                        }
                        if (thrown) {
                            LOG.log(System.Logger.Level.WARNING, "two\\nlines \\"quoted\\"", new java.io.IOException("disk full"));
                        }
                        LOG.log(System.Logger.Level.DEBUG, () -> { throw new AssertionError("a debug line was made"); });
                        c.channel().write(ByteBuffer.wrap("done".getBytes()));
                    });
                }
                public Optional<DatagramHandler> datagram(Map<String, String> options) {
                    return Optional.of(d -> LOG.log(System.Logger.Level.INFO, "a datagram of {0} bytes", d.payload().remaining()));
                }
            }
            """;

    private TestDaemon daemon(String services) throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.write(plugins.resolve("chatty.jar"), Map.of("example.Chatty", CHATTY), "example.Chatty");
        return TestDaemon.start("plugins: " + plugins + "\n" + services);
    }

    @Test
    void aHandlersLineCarriesItsServiceAndClient() throws Exception {
        try (var d = daemon("""
                services:
                  talk: {bind: 127.0.0.1, handler: chatty, options: {thrown: yes}}
                  talk-udp: {bind: 127.0.0.1, protocol: udp, handler: chatty}
                """)) {
            try (var client = Clients.connect(d.port("talk"))) {
                var peer = "127.0.0.1:" + client.getLocalPort();
                assertEquals("done", new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                assertEquals("service=talk peer=" + peer + " logger=example.Chatty log=\"said 0\"",
                        d.awaitLog("service=talk peer=" + peer + " logger="));
                assertEquals("service=talk peer=" + peer + " logger=example.Chatty log=\"two\\nlines \\\"quoted\\\"\" "
                        + "exception=\"java.io.IOException: disk full\"", d.awaitLog("exception="));
            }
            try (var socket = new java.net.DatagramSocket()) {
                socket.send(new java.net.DatagramPacket(new byte[] {1, 2, 3}, 3, InetAddress.getLoopbackAddress(),
                        d.port("talk-udp")));
            }
            assertTrue(d.awaitLog("service=talk-udp ").matches(
                    "service=talk-udp peer=127\\.0\\.0\\.1:\\d+ logger=example\\.Chatty log=\"a datagram of 3 bytes\""),
                    String.join("\n", d.log()));
            // A DEBUG line, below the log's level, is never even made.
            assertTrue(d.log().stream().noneMatch(l -> l.contains("debug")), String.join("\n", d.log()));
        }
    }

    @Test
    void aHandlerThatLogsInALoopWritesBoundedLinesAndCountsTheRest() throws Exception {
        int lines = 200_000;
        try (var d = daemon("services: {flood: {bind: 127.0.0.1, handler: chatty, options: {lines: %d}}}"
                .formatted(lines))) {
            assertEquals("done", Clients.exchange(d.port("flood"), ""));
            // Every line is accounted for: written, or counted in a log_unlogged= line after its second.
            assertTrue(d.awaitLogs(log -> accounted(log) == lines), () -> "accounted " + accounted(d.log()));
            var written = d.log().stream().filter(l -> l.startsWith("service=flood peer=") && l.contains(" log=")).count();
            var seconds = d.log().stream().filter(l -> l.contains(" log_unlogged=")).count();
            assertTrue(written <= 100 * (seconds + 1), written + " lines in " + seconds + " flooded seconds");
            assertTrue(written < lines / 10, written + " lines written");
        }
    }

    private static long accounted(List<String> log) {
        return log.stream().filter(l -> l.startsWith("service=flood "))
                .mapToLong(l -> l.contains(" log_unlogged=") ? Long.parseLong(l.substring(l.indexOf('=', l.indexOf(
                        " log_unlogged")) + 1)) : l.contains(" log=") ? 1 : 0).sum();
    }
}
