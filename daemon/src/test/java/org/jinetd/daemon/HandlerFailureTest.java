package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jinetd.daemon.log.Inbox;
import org.jinetd.daemon.log.LogOutput;
import org.jinetd.daemon.os.AppendFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandlerFailureTest {
    @Test
    void aHandlerThatThrowsClosesOnlyItsOwnConnectionAndIsLoggedWithPeer() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  broken: {bind: 127.0.0.1, handler: misbehaving, options: {how: throw}}
                  echo: {bind: 127.0.0.1, handler: echo}
                """)) {
            assertEquals("", Clients.exchange(d.port("broken"), ""));
            var line = d.awaitLog("service=broken ");
            assertTrue(line.contains("peer=127.0.0.1:") && line.contains("error=\"java.lang.IllegalStateException"),
                    line);
            assertEquals("", Clients.exchange(d.port("broken"), ""));
            assertEquals("still", Clients.exchange(d.port("echo"), "still"));
        }
    }

    @Test
    void anExceptionThatQuotesAClientIsOneLineWithItsMessageAndTraceQuoted(@TempDir Path dir) throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  forge: {bind: 127.0.0.1, handler: misbehaving, options: {how: forge}}
                  long: {bind: 127.0.0.1, handler: misbehaving, options: {how: long}}
                """)) {
            assertEquals("", Clients.exchange(d.port("forge"), ""));
            var line = d.awaitLog("service=forge ");
            assertTrue(line.matches("service=forge peer=127\\.0\\.0\\.1:\\d+ error=" + Pattern.quote(
                    "\"java.lang.NumberFormatException: For input string: \\\"x\\x1b[2J\\r\\x07\\nWARN service=x "
                    + "peer=1.2.3.4 refused=only_from\\\"\" trace=\"\\tat org.jinetd.daemon.Misbehaving")
                    + ".*\" duration=\\d+\\.\\d{3}s"), line);
            assertTrue(line.chars().noneMatch(c -> c < ' ' || c == 0x7f), "a control character in " + line);
            assertEquals(1, d.log().stream().filter(l -> l.contains("service=forge")).count(), "one line for the one event");

            assertEquals("", Clients.exchange(d.port("long"), ""));
            var cut = d.awaitLog("service=long ");
            assertTrue(cut.contains(" [cut at 16384 characters]\" trace=\"\\tat "), cut.substring(cut.length() - 300));
            assertFalse(cut.contains("ERROR"), "the end of the message was cut");
            assertTrue(cut.length() < 64 * 1024, "length " + cut.length());

            // What journald makes of the line: the daemon's fields, the message one value.
            try (var journal = new Inbox(dir.resolve("journal.sock"))) {
                var output = new LogOutput(OutputStream.nullOutputStream(), true, journal.path(), "/nonexistent/log",
                        AppendFile.ANY);
                output.toJournal();
                output.entries().write(("WARN " + line + "\n").getBytes(StandardCharsets.UTF_8));
                output.entries().flush();
                var fields = journal.receiveEntry();
                assertEquals("forge", Inbox.only(fields, "JINETD_SERVICE"));
                assertEquals("4", Inbox.only(fields, "PRIORITY"));
                assertEquals("java.lang.NumberFormatException: " + Misbehaving.FORGED, Inbox.only(fields, "JINETD_ERROR"));
                assertTrue(fields.stream().noneMatch(f -> f.name().equals("JINETD_REFUSED")), Inbox.shown(fields));
            }
        }
    }

    @Test
    void aClientThatResetsIsNotTheHandlersFailure() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo}}")) {
            for (int i = 0; i < 5; i++) {
                try (var client = Clients.connect(d.port("echo"))) {
                    // Echo writes back what it reads; the client reads nothing and resets under it.
                    var out = client.getOutputStream();
                    out.write("x".repeat(8192).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.flush();
                    assertTrue(client.getInputStream().read() >= 0);
                    client.setSoLinger(true, 0);
                }
            }
            assertTrue(d.awaitLogs(lines -> lines.stream().filter(l -> l.startsWith("service=echo ")).count() == 5),
                    String.join("\n", d.log()));
            assertTrue(d.log().stream().filter(l -> l.startsWith("service=echo "))
                    .allMatch(l -> l.contains(" reason=reset ") && !l.contains("error=")), String.join("\n", d.log()));
            assertEquals(0, d.daemon().log().tally().of("echo").failed());
        }
    }

    @Test
    void aClientThatClosedBeforeTheHandlerWroteIsNotTheHandlersFailure() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  late: {bind: 127.0.0.1, handler: misbehaving, options: {how: late}}
                  wrapped: {bind: 127.0.0.1, handler: misbehaving, options: {how: wrapped}}
                """)) {
            for (var service : java.util.List.of("late", "wrapped")) {
                // Closed at once, with nothing unread: a FIN, and the handler's writes meet EPIPE.
                Clients.connect(d.port(service)).close();
                var line = d.awaitLog("service=" + service + " ");
                assertTrue(line.contains(" reason=closed ") && !line.contains("error="), line);
                assertEquals(0, d.daemon().log().tally().of(service).failed());
                assertEquals(1, d.daemon().log().tally().of(service).connections());
            }
        }
    }

    @Test
    void aHandlerThatHangsHoldsOnlyItsOwnConnectionAndIsEndedAtStop() throws Exception {
        try (var d = TestDaemon.start("""
                shutdown_grace: 200ms
                services:
                  stuck: {bind: 127.0.0.1, handler: misbehaving, options: {how: hang}}
                  echo: {bind: 127.0.0.1, handler: echo}
                """)) {
            try (var hung = Clients.connect(d.port("stuck"))) {
                var second = Clients.connect(d.port("stuck"));
                assertTrue(d.awaitLive(2, java.time.Duration.ofSeconds(10)));
                assertEquals("fine", Clients.exchange(d.port("echo"), "fine"));
                assertEquals(2, d.daemon().stop());
                assertEquals(-1, hung.getInputStream().read());
                assertEquals(-1, second.getInputStream().read());
                second.close();
            }
            assertTrue(d.awaitLog("service=stuck ").contains(" reason=stop "));
        }
    }

    @Test
    void datagramsAreCountedAndAFloodOfFailingOnesWritesBoundedLines() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  broken: {protocol: udp, bind: 127.0.0.1, handler: misbehaving,
                           rate_per_source: {per_second: 100000, burst: 100000}}
                  echo: {protocol: udp, bind: 127.0.0.1, handler: echo}
                """)) {
            var counts = d.daemon().log().tally().of("broken");
            int sent = 0;
            try (var socket = new DatagramSocket()) {
                // In bursts well within the socket's buffer and the service's instances, each
                // served before the next is sent, so that the kernel drops none.
                for (int burst = 0; burst < 50; burst++) {
                    for (int i = 0; i < 10; i++, sent++) {
                        socket.send(new DatagramPacket(new byte[] {1}, 1, InetAddress.getLoopbackAddress(),
                                d.port("broken")));
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (counts.connections() < sent && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    assertEquals(sent, counts.connections(), "every datagram is counted in status");
                }
            }
            assertEquals(sent, counts.failed());
            assertTrue(counts.lastError().contains("broken on purpose"), counts.lastError());
            // Every failure is accounted for, by a line or in an unlogged= count, with far fewer lines than datagrams.
            long total = sent;
            assertTrue(d.awaitLogs(lines -> accounted(lines) == total), String.join("\n", d.log()));
            assertTrue(d.log().stream().filter(l -> l.startsWith("service=broken ")).count() < sent / 2);
            assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), Clients.datagram(
                    InetAddress.getLoopbackAddress(), d.port("echo"), "hi".getBytes(StandardCharsets.US_ASCII)));
            // Counted once the handler has returned, which may be just after the reply arrived.
            var echo = d.daemon().log().tally().of("echo");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (echo.connections() < 1 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            assertEquals(1, echo.connections(), "echo's datagrams are counted too");
        }
    }

    private static long accounted(java.util.List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("service=broken "))
                .mapToLong(l -> l.contains(" unlogged=") ? Long.parseLong(l.substring(l.indexOf(" unlogged=") + 10)) : 1)
                .sum();
    }
}
