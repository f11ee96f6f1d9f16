package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
    void aHandlerThatHangsHoldsOnlyItsOwnConnectionAndIsEndedAtStop() throws Exception {
        try (var d = TestDaemon.start("""
                shutdown_grace: 200ms
                services:
                  stuck: {bind: 127.0.0.1, handler: misbehaving, options: {how: hang}}
                  echo: {bind: 127.0.0.1, handler: echo}
                """)) {
            try (var hung = Clients.connect(d.port("stuck"))) {
                var second = Clients.connect(d.port("stuck"));
                assertTrue(d.daemon().awaitLive(2, java.time.Duration.ofSeconds(10)));
                assertEquals("fine", Clients.exchange(d.port("echo"), "fine"));
                assertEquals(2, d.daemon().stop());
                assertEquals(-1, hung.getInputStream().read());
                assertEquals(-1, second.getInputStream().read());
                second.close();
            }
            assertTrue(d.awaitLog("service=stuck ").contains(" reason=stop "));
        }
    }
}
