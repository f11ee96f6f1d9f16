package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.log.ConnectionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartStopTest {
    @Test
    void everyServiceThatCannotBindIsReportedAndNothingIsLeftListening() throws Exception {
        var loopback = InetAddress.getLoopbackAddress();
        try (var taken1 = new ServerSocket(0, 50, loopback); var taken2 = new ServerSocket(0, 50, loopback)) {
            int free = TestDaemon.freePort();
            var file = TestDaemon.write("""
                    services:
                      a: {bind: 127.0.0.1, port: %d, handler: echo}
                      b: {bind: 127.0.0.1, port: %d, handler: echo}
                      ok: {bind: 127.0.0.1, port: %d, handler: echo}
                    """.formatted(taken1.getLocalPort(), taken2.getLocalPort(), free));
            var table = ((Loaded.Ok) Config.load(file)).table();
            var failure = assertThrows(Daemon.StartFailure.class, () -> Daemon.start(table, new ConnectionLog()));
            assertEquals(2, failure.failures().size());
            // Each named at its place in the table: the line to change.
            var lines = Files.readAllLines(file);
            var a = lines.stream().filter(l -> l.strip().startsWith("a:")).findFirst().orElseThrow();
            var b = lines.stream().filter(l -> l.strip().startsWith("b:")).findFirst().orElseThrow();
            assertEquals("%s:%d:%d: a/tcp: bind 127.0.0.1:%d: address already in use".formatted(file,
                    lines.indexOf(a) + 1, a.indexOf('a') + 1, taken1.getLocalPort()), failure.failures().get(0));
            assertTrue(failure.failures().get(1).startsWith("%s:%d:%d: b/tcp: bind 127.0.0.1:%d".formatted(file,
                    lines.indexOf(b) + 1, b.indexOf('b') + 1, taken2.getLocalPort())), failure.failures().get(1));
            // The service that could bind was closed again: its port is free.
            try (var again = new ServerSocket(free, 50, loopback)) {
                assertEquals(free, again.getLocalPort());
            }
        }
    }

    @Test
    void stopLetsLiveConnectionsFinishWithinTheGrace() throws Exception {
        try (var d = TestDaemon.start("""
                shutdown_grace: 10s
                services:
                  slow: {bind: 127.0.0.1, io: bridge, exec: [/bin/sh, -c, 'read -r x; echo "done $x"']}
                """);
             var client = Clients.connect(d.port("slow"))) {
            // Taken from the kernel's queue first (a stop resets what is still queued there), but
            // perhaps not yet handed to its program: the stop waits for it all the same.
            assertTrue(d.awaitLive(1, java.time.Duration.ofSeconds(10)));
            var stopper = Thread.ofVirtual().start(() -> d.daemon().stop());
            d.awaitLog("stop: not listening; 1 connection live, given 10s to finish");
            // No longer listening, but the live connection is still served.
            client.getOutputStream().write("late\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("done late\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            stopper.join();
            assertTrue(d.log().contains("stopped"));
        }
    }

    @Test
    void stopEndsAConnectionStuckOnAWriteAfterTheGrace() throws Exception {
        // chargen writes without end to a client that reads nothing: its write blocks once the
        // socket's buffers are full. (A banner, at most 64 KiB, fits whole in loopback's buffers.)
        try (var d = TestDaemon.start("""
                shutdown_grace: 200ms
                services:
                  flood: {bind: 127.0.0.1, handler: chargen}
                """);
             var client = Clients.connect(d.port("flood"))) {
            assertTrue(d.awaitLive(1, java.time.Duration.ofSeconds(10)));
            assertEquals(1, d.daemon().stop());
            var line = d.awaitLog("service=flood ");
            assertTrue(line.contains(" reason=stop") && !line.contains("error="), line);
        }
    }

    @Test
    void stopEndsProgramsStillRunningAfterTheGrace() throws Exception {
        try (var d = TestDaemon.start("""
                shutdown_grace: 300ms
                services:
                  forever: {bind: 127.0.0.1, io: bridge, exec: [/bin/sleep, '600']}
                """);
             var client = Clients.connect(d.port("forever"))) {
            assertTrue(d.awaitLive(1, java.time.Duration.ofSeconds(10)));
            assertEquals(1, d.daemon().stop());
            assertEquals(-1, client.getInputStream().read());
            assertTrue(d.awaitLog("service=forever ").contains(" signal=TERM "));
        }
    }
}
