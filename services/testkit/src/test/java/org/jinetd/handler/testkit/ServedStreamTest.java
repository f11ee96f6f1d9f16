package org.jinetd.handler.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.ReplyHandler;
import org.jinetd.handler.StreamHandler;
import org.junit.jupiter.api.Test;

/** Served without the extension, so that its failures can be seen: the extension's afterEach makes the same checks. */
class ServedStreamTest {
    private static final Duration SHORT = Duration.ofMillis(500);

    /** Answers each line with its length, then closes at end of stream. */
    private static final StreamHandler LENGTHS = connection -> {
        var in = new java.io.BufferedReader(java.nio.channels.Channels.newReader(connection.channel(), UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            connection.channel().write(ByteBuffer.wrap((line.length() + "\n").getBytes(UTF_8)));
        }
    };

    @Test
    void servesOnLoopbackAndClosesWhenHandleReturns() throws Exception {
        try (var served = Served.stream(LENGTHS).start()) {
            assertEquals(new InetSocketAddress("127.0.0.1", served.address().getPort()), served.address());
            var client = served.connect();
            assertEquals("5", client.send("hello\n").line());
            assertEquals("0\n3\n", client.send("\nabc\n").shutdownOutput().readAll());
            assertTrue(served.awaitEnd().isEmpty(), "handle returned");
        }
    }

    @Test
    void eachConnectionRunsOnAVirtualThreadOfItsOwn() throws Exception {
        var threads = new ConcurrentLinkedQueue<Thread>();
        var both = new CountDownLatch(2);
        StreamHandler handler = connection -> {
            threads.add(Thread.currentThread());
            both.countDown();
            // Both connections are served at once: neither returns before the other started.
            if (!awaitQuietly(both, Served.DEADLINE)) {
                throw new IOException("the other connection was not served meanwhile");
            }
            connection.channel().write(ByteBuffer.wrap("done".getBytes(UTF_8)));
        };
        try (var served = Served.stream(handler).start()) {
            var one = served.connect();
            var two = served.connect();
            assertEquals("done", one.readAll());
            assertEquals("done", two.readAll());
        }
        assertEquals(2, threads.size());
        assertTrue(threads.stream().allMatch(Thread::isVirtual), threads.toString());
        assertNotEquals(threads.peek(), threads.stream().skip(1).findFirst().orElseThrow());
    }

    @Test
    void theHandlerSeesTheAddressesTheServiceAndAPlainByteChannel() throws Exception {
        var seen = new ConcurrentLinkedQueue<Object>();
        StreamHandler handler = connection -> {
            seen.add(connection.peer());
            seen.add(connection.local());
            seen.add(connection.service());
            seen.add(connection.channel() instanceof SocketChannel);
            seen.add(connection.credentials());
        };
        try (var served = Served.stream(handler).service("reverse").start()) {
            var client = served.connect();
            assertEquals("", client.readAll());
            served.awaitEnd();
            assertEquals(java.util.List.of(client.socket().getLocalSocketAddress(), served.address(), "reverse", false,
                    Optional.empty()), java.util.List.copyOf(seen));
        }
    }

    @Test
    void shutdownOutputEndsTheClientsStreamWhileTheHandlerStillReads() throws Exception {
        StreamHandler handler = connection -> {
            connection.channel().write(ByteBuffer.wrap("bye".getBytes(UTF_8)));
            connection.shutdownOutput();
            var read = new String(java.nio.channels.Channels.newInputStream(connection.channel()).readAllBytes(), UTF_8);
            if (!read.equals("still read")) {
                throw new IOException("read " + read);
            }
        };
        try (var served = Served.stream(handler).start()) {
            var client = served.connect();
            assertEquals("bye", client.readAll());
            client.send("still read").shutdownOutput();
            assertTrue(served.awaitEnd().isEmpty());
        }
    }

    @Test
    void aProviderIsAskedWithTheOptionsInTheirOrderAndNamesTheService() throws Exception {
        var provider = new HandlerProvider() {
            @Override
            public String name() {
                return "keys";
            }

            @Override
            public Optional<StreamHandler> stream(Map<String, String> options) {
                var text = String.join(",", options.keySet()) + " " + options.values();
                ReplyHandler handler = connection -> ByteBuffer.wrap((connection.service() + " " + text).getBytes(UTF_8));
                return Optional.of(handler);
            }
        };
        var options = new java.util.LinkedHashMap<String, String>();
        options.put("z", "1");
        options.put("a", "2");
        try (var served = Served.stream(provider, options).start()) {
            assertEquals("keys z,a [1, 2]", served.connect().readAll());
        }
    }

    @Test
    void anOptionExceptionComesOutOfStartAsTheDaemonWouldReportIt() {
        var provider = new HandlerProvider() {
            @Override
            public String name() {
                return "picky";
            }

            @Override
            public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
                throw new OptionException("size", "must be a number from 1 to 512");
            }
        };
        var served = Served.stream(provider, Map.of("size", "0"));
        var thrown = assertThrows(OptionException.class, served::start);
        assertEquals("size", thrown.option());
        assertThrows(IllegalStateException.class, served::connect, "nothing is served");
    }

    @Test
    void aProviderWithoutAStreamHandlerIsNamedInTheError() {
        HandlerProvider provider = () -> "udponly";
        var thrown = assertThrows(IllegalStateException.class, () -> Served.stream(provider).start());
        assertEquals("handler 'udponly' does not serve tcp: stream(options) returned empty", thrown.getMessage());
    }

    @Test
    void whatAHandlerThrowsFailsTheTest() throws Exception {
        var served = Served.stream(connection -> {
            throw new IllegalStateException("broken handler");
        }).start();
        assertEquals("", served.connect().readAll());
        var failure = assertThrows(AssertionError.class, served::close);
        assertEquals("a handler of test threw java.lang.IllegalStateException: broken handler", failure.getMessage());
        assertEquals("broken handler", failure.getCause().getMessage());
    }

    @Test
    void everyFailureIsReportedNotOnlyTheFirst() throws Exception {
        var served = Served.stream(connection -> {
            throw new IOException("failed for " + connection.peer());
        }).start();
        served.connect().readAll();
        served.connect().readAll();
        var failure = assertThrows(AssertionError.class, served::close);
        assertTrue(failure.getMessage().contains("(and 1 more, suppressed below)"), failure.getMessage());
        assertEquals(1, failure.getSuppressed().length);
    }

    @Test
    void anExceptionTheTestAwaitedFailsNothing() throws Exception {
        try (var served = Served.stream(connection -> {
            throw new IOException("expected");
        }).start()) {
            served.connect().readAll();
            assertEquals("expected", served.awaitEnd().orElseThrow().getMessage());
        }
    }

    @Test
    void aClientThatResetsIsNotTheHandlersFailure() throws Exception {
        var started = new CountDownLatch(1);
        StreamHandler endless = connection -> {
            started.countDown();
            var bytes = ByteBuffer.allocate(8192);
            while (true) {
                connection.channel().write(bytes.clear());
            }
        };
        try (var served = Served.stream(endless).start()) {
            var client = served.connect();
            client.read(100);
            client.reset();
            var thrown = served.awaitEnd().orElseThrow();
            assertInstanceOf(IOException.class, thrown);
        }
        try (var served = Served.stream(endless).start()) {
            served.connect().read(100);
            // Closed by the kit after the test: the handler's broken pipe or reset is no failure.
        }
    }

    @Test
    void aHandlerStillRunningAfterTheTestFailsItWithWhereItWasAndIsInterrupted() throws Exception {
        var interrupted = new CountDownLatch(1);
        StreamHandler stuck = connection -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        };
        var served = Served.stream(stuck).deadline(SHORT).start();
        served.connect();
        var failure = assertThrows(AssertionError.class, served::close);
        assertTrue(failure.getMessage().startsWith("a handler of test was still running PT0.5S after the test's clients "
                + "closed"), failure.getMessage());
        assertTrue(java.util.Arrays.stream(failure.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(CountDownLatch.class.getName())), "where it waited");
        assertTrue(interrupted.await(Served.DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    @Test
    void aReplyHandlerRepliesOnTheAcceptingThreadThenTheConnectionCloses() throws Exception {
        var threads = new ConcurrentLinkedQueue<String>();
        ReplyHandler greeting = connection -> {
            threads.add(Thread.currentThread().getName());
            return ByteBuffer.wrap(("hello " + connection.service() + "\r\n").getBytes(UTF_8));
        };
        try (var served = Served.stream(greeting).service("greeting").start()) {
            assertEquals("hello greeting\r\n", served.connect().readAll());
            assertTrue(served.awaitEnd().isEmpty());
        }
        assertEquals(java.util.List.of("greeting/tcp accept"), java.util.List.copyOf(threads));
    }

    @Test
    void aReplyHandlerThatReturnsNullFailsTheTest() throws Exception {
        var served = Served.stream((ReplyHandler) connection -> null).start();
        assertEquals("", served.connect().readAll());
        var failure = assertThrows(AssertionError.class, served::close);
        assertEquals("reply() returned null", failure.getCause().getMessage());
    }

    @Test
    void aLineThatNeverComesFailsAtTheDeadlineShowingWhatCame() throws Exception {
        var release = new CountDownLatch(1);
        StreamHandler half = connection -> {
            connection.channel().write(ByteBuffer.wrap("no end\r".getBytes(UTF_8)));
            awaitQuietly(release);
        };
        try (var served = Served.stream(half).deadline(SHORT).start()) {
            var failure = assertThrows(AssertionError.class, () -> served.connect().line());
            assertEquals("waited PT0.5S for a whole line from the handler; came: \"no end\\r\"", failure.getMessage());
            release.countDown();
        }
    }

    @Test
    void readAllFailsWhenTheHandlerNeverCloses() throws Exception {
        var release = new CountDownLatch(1);
        try (var served = Served.stream(connection -> awaitQuietly(release)).deadline(SHORT).start()) {
            var failure = assertThrows(AssertionError.class, () -> served.connect().readAll());
            assertEquals("waited PT0.5S for the end of the connection from the handler; came: \"\"", failure.getMessage());
            release.countDown();
        }
    }

    @Test
    void theEndOfTheConnectionInsteadOfALineOrBytesIsAFailureThatSaysSo() throws Exception {
        ReplyHandler three = connection -> ByteBuffer.wrap(new byte[] {'a', 'b', 'c'});
        try (var served = Served.stream(three).start()) {
            assertEquals("the connection ended inside a line: \"abc\"",
                    assertThrows(AssertionError.class, () -> served.connect().line()).getMessage());
            assertEquals("the connection ended after 3 of 4 bytes: \"abc\"",
                    assertThrows(AssertionError.class, () -> served.connect().read(4)).getMessage());
            var client = served.connect();
            assertEquals("abc", new String(client.read(3), UTF_8));
            assertEquals("the connection ended where a line was expected",
                    assertThrows(AssertionError.class, client::line).getMessage());
        }
    }

    @Test
    void sendingToAHandlerThatDoesNotReadFailsAtTheDeadline() throws Exception {
        var release = new CountDownLatch(1);
        try (var served = Served.stream(connection -> awaitQuietly(release)).deadline(SHORT).start()) {
            var client = served.connect();
            // Far more than the socket buffers of both sides hold.
            var failure = assertThrows(AssertionError.class, () -> client.send(new byte[64 << 20]));
            assertTrue(failure.getMessage().startsWith("the handler did not take the 67108864 bytes sent within PT0.5S"),
                    failure.getMessage());
            release.countDown();
        }
    }

    @Test
    void linesEndAtLfWithOrWithoutCr() throws Exception {
        ReplyHandler lines = connection -> ByteBuffer.wrap("one\r\ntwo\n\nthree\rfour\n".getBytes(UTF_8));
        try (var served = Served.stream(lines).start()) {
            var client = served.connect();
            assertEquals("one", client.line());
            assertEquals("two", client.line());
            assertEquals("", client.line());
            assertEquals("three\rfour", client.line());
        }
    }

    @Test
    void configurationIsFixedOnceServing() throws Exception {
        try (var served = Served.stream(LENGTHS).start()) {
            assertThrows(IllegalStateException.class, () -> served.service("other"));
            assertThrows(IllegalStateException.class, () -> served.deadline(SHORT));
            assertThrows(IllegalStateException.class, served::connectDatagram);
        }
        assertThrows(IllegalArgumentException.class, () -> Served.stream(LENGTHS).deadline(Duration.ZERO));
    }

    @Test
    void itsNameSaysWhichServiceItIs() throws Exception {
        var served = Served.stream(LENGTHS).service("lengths");
        assertEquals("Served[lengths/tcp, not serving]", served.toString());
        try (served) {
            served.start();
            assertEquals("Served[lengths/tcp on " + served.address() + "]", served.toString());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        awaitQuietly(latch, Duration.ofDays(1));
    }

    /** Whether the latch opened within {@code wait}; a handler cannot throw InterruptedException. */
    private static boolean awaitQuietly(CountDownLatch latch, Duration wait) {
        try {
            return latch.await(wait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
