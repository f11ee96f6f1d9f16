package org.jinetd.handler.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.junit.jupiter.api.Test;

class ServedDatagramTest {
    private static final DatagramHandler UPPER = datagram -> {
        var bytes = new byte[datagram.payload().remaining()];
        datagram.payload().get(bytes);
        datagram.reply(ByteBuffer.wrap(new String(bytes, UTF_8).toUpperCase().getBytes(UTF_8)));
    };

    @Test
    void answersTheSenderFromTheServicesSocket() throws Exception {
        try (var served = Served.datagram(UPPER).start()) {
            var client = served.connectDatagram();
            assertEquals("HELLO", client.send("hello").receiveText());
            assertArrayEquals(new byte[0], client.send(new byte[0]).receive());
            var big = new byte[60_000];
            assertEquals(big.length, client.send(big).receive().length);
        }
    }

    @Test
    void eachDatagramRunsOnAVirtualThreadAndSeesItsAddresses() throws Exception {
        var seen = new ConcurrentLinkedQueue<Object>();
        DatagramHandler handler = datagram -> {
            seen.add(Thread.currentThread().isVirtual());
            seen.add(datagram.peer());
            seen.add(datagram.local());
            seen.add(datagram.service());
            // The payload is a fresh view each time: read twice, it is whole twice.
            seen.add(datagram.payload().get() == datagram.payload().get());
            seen.add(datagram.payload().isReadOnly());
        };
        try (var served = Served.datagram(handler).service("probe").start()) {
            var client = served.connectDatagram().send("xy");
            assertTrue(served.awaitEnd().isEmpty());
            assertEquals(java.util.List.of(true, client.channel().getLocalAddress(), served.address(), "probe", true, true),
                    java.util.List.copyOf(seen));
        }
    }

    @Test
    void whatADatagramHandlerThrowsFailsTheTest() throws Exception {
        var served = Served.datagram(datagram -> {
            throw new IOException("cannot answer");
        }).start();
        served.connectDatagram().send("?");
        var failure = assertThrows(AssertionError.class, served::close);
        assertEquals("cannot answer", failure.getCause().getMessage());
    }

    @Test
    void onlyWhatComesFromTheHandlersAddressIsReceived() throws Exception {
        try (var served = Served.datagram(UPPER).start();
             var stranger = java.nio.channels.DatagramChannel.open()) {
            var client = served.connectDatagram();
            stranger.send(ByteBuffer.wrap("spoofed".getBytes(UTF_8)), client.channel().getLocalAddress());
            assertEquals("REAL", client.send("real").receiveText());
        }
    }

    @Test
    void noAnswerFailsAtTheDeadline() throws Exception {
        try (var served = Served.datagram(datagram -> { }).deadline(Duration.ofMillis(300)).start()) {
            var client = served.connectDatagram().send("anyone?");
            assertEquals("no datagram from the handler within PT0.3S",
                    assertThrows(AssertionError.class, client::receive).getMessage());
        }
    }

    @Test
    void assertNoReplyFailsWhenAnAnswerCame() throws Exception {
        try (var served = Served.datagram(UPPER).start()) {
            var client = served.connectDatagram().send("loud");
            served.awaitEnd();
            assertEquals("a datagram of 4 bytes came: \"LOUD\"",
                    assertThrows(AssertionError.class, () -> client.assertNoReply(Duration.ofMillis(300))).getMessage());
        }
    }

    @Test
    void aProvidersDatagramHandlerAndItsOptionErrors() throws Exception {
        var provider = new HandlerProvider() {
            @Override
            public String name() {
                return "upper";
            }

            @Override
            public Optional<DatagramHandler> datagram(Map<String, String> options) throws OptionException {
                if (!options.isEmpty()) {
                    throw new OptionException(options.keySet().iterator().next(), "unknown option");
                }
                return Optional.of(UPPER);
            }
        };
        try (var served = Served.datagram(provider).start()) {
            assertEquals("OK", served.connectDatagram().send("ok").receiveText());
        }
        assertEquals("loud", assertThrows(OptionException.class,
                () -> Served.datagram(provider, Map.of("loud", "yes")).start()).option());
        assertEquals("handler 'upper' does not serve tcp: stream(options) returned empty",
                assertThrows(IllegalStateException.class, () -> Served.stream(provider).start()).getMessage());
    }
}
