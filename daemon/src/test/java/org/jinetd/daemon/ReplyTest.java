package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.Launch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Handlers whose answer is known at accept are sent on the listener's thread: these prove it is safe. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplyTest {
    private static final int LARGE = 16 << 20;

    @Test
    void aReplyLargerThanTheSocketTakesIsFinishedWhileTheListenerServesOthers() throws Exception {
        try (var d = TestDaemon.start("services: {big: {bind: 127.0.0.1, handler: replying, options: {bytes: %d}}}"
                .formatted(LARGE))) {
            try (var idle = new Socket()) {
                idle.setReceiveBufferSize(4096);
                idle.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), d.port("big")), Clients.DEADLINE_MS);
                idle.setSoTimeout(Clients.DEADLINE_MS);
                // The first client reads nothing yet; the next one is answered in full all the same.
                try (var next = Clients.connect(d.port("big"))) {
                    assertPattern(next.getInputStream(), LARGE);
                }
                assertPattern(idle.getInputStream(), LARGE);
            }
            var line = d.awaitLog("service=big ");
            assertFalse(line.contains("peer=127.0.0.1:") && line.contains("error="), line);
        }
    }

    @Test
    void aReplyHandlerThatThrowsClosesOnlyItsConnection() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  broken: {bind: 127.0.0.1, handler: replying, options: {bytes: throw}}
                  fine: {bind: 127.0.0.1, handler: replying, options: {bytes: 5}}
                """)) {
            assertEquals("", Clients.exchange(d.port("broken"), ""));
            var line = d.awaitLog("service=broken ");
            assertTrue(line.contains("peer=127.0.0.1:") && line.contains("error=\"java.lang.IllegalStateException: no reply on purpose\""), line);
            assertEquals("", Clients.exchange(d.port("broken"), ""));
            assertEquals("abcde", Clients.exchange(d.port("fine"), ""));
        }
    }

    @Test
    void aReplyHandlerThatAnswersNullIsAnErrorOfItsConnectionOnly() throws Exception {
        try (var d = TestDaemon.start("services: {none: {bind: 127.0.0.1, handler: replying, options: {bytes: 'null'}}}")) {
            assertEquals("", Clients.exchange(d.port("none"), ""));
            assertTrue(d.awaitLog("service=none ").contains("error=\"java.lang.NullPointerException: reply() returned null\""));
            assertEquals("", Clients.exchange(d.port("none"), ""));
            // The listener lives on: both connections are logged, each with its error.
            assertTrue(d.awaitLogs(lines -> lines.stream().filter(l -> l.startsWith("service=none ")
                    && l.contains(" error=")).count() == 2), String.join("\n", d.log()));
        }
    }

    @Test
    void aBannerComesFirstThenTheReply() throws Exception {
        try (var d = TestDaemon.start("services: {r: {bind: 127.0.0.1, handler: replying, options: {bytes: 3}, "
                + "banner: \"hello\\n\"}}")) {
            assertEquals("hello\nabc", Clients.exchange(d.port("r"), ""));
        }
    }

    @Test
    void aClientGoneBeforeTheReplyIsOneLineNotAFailure() throws Exception {
        try (var d = TestDaemon.start("services: {r: {bind: 127.0.0.1, handler: replying, options: {bytes: %d}}}"
                .formatted(LARGE))) {
            try (var gone = Clients.connect(d.port("r"))) {
                gone.setSoLinger(true, 0);
            }
            d.awaitLog("service=r ");
            assertEquals(LARGE, Clients.exchange(d.port("r"), "").length());
        }
    }

    @Test
    void onlyAReplyDeclaredByItsProviderIsAnsweredOnTheListenersThreadHoweverItIsWritten() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  declared: {bind: 127.0.0.1, handler: replying, options: {bytes: thread}}
                  streamed: {bind: 127.0.0.1, handler: replying, options: {bytes: thread, declared: stream}}
                  daytime: {bind: 127.0.0.1, handler: daytime}
                  time: {bind: 127.0.0.1, handler: time}
                  echo: {bind: 127.0.0.1, handler: echo}
                """)) {
            assertEquals("platform", Clients.exchange(d.port("declared"), ""));
            // The same ReplyHandler, given by stream(): served as any stream handler is.
            assertEquals("virtual", Clients.exchange(d.port("streamed"), ""));
            var table = d.daemon().table();
            for (var name : List.of("declared", "daytime", "time", "streamed", "echo")) {
                var launch = (Launch.Stream) table.service(name).orElseThrow().launch();
                assertEquals(!name.equals("streamed") && !name.equals("echo"), launch.reply().isPresent(), name);
            }
            assertTrue(((Launch.Stream) table.service("streamed").orElseThrow().launch()).handler()
                    instanceof org.jinetd.handler.ReplyHandler);
        }
    }

    private static void assertPattern(InputStream in, int size) throws IOException {
        var buffer = new byte[65536];
        long seen = 0;
        for (int n; (n = in.read(buffer)) > 0; seen += n) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] != Replying.at(seen + i)) {
                    throw new AssertionError("byte " + (seen + i) + " is " + buffer[i]);
                }
            }
        }
        assertEquals(size, seen);
    }
}
