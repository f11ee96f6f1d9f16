package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EchoTest {
    private static final int TIMEOUT = (int) Served.DEADLINE.toMillis();

    @Test
    void echoesEveryByteAndClosesAfterClientHalfCloses() throws Exception {
        var sent = new byte[300_000];
        new Random(862).nextBytes(sent);
        try (var served = Served.stream("echo", new Echo().stream(Map.of()).orElseThrow());
             var client = new Socket(served.address().getAddress(), served.address().getPort())) {
            client.setSoTimeout(TIMEOUT);
            // Written from a thread of its own: echo answers while we still send, so one
            // thread doing both would fill both windows and stop.
            var writer = Thread.ofVirtual().start(() -> {
                try {
                    client.getOutputStream().write(sent);
                    client.shutdownOutput();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            var received = client.getInputStream().readAllBytes();
            assertTrue(writer.join(Served.DEADLINE), "writer finished");
            assertArrayEquals(sent, received);
            assertTrue(served.awaitEnd().isEmpty(), "handler returned normally");
        }
    }

    @Test
    void answersEachLineWhileTheConnectionStaysOpen() throws Exception {
        try (var served = Served.stream("echo", new Echo().stream(Map.of()).orElseThrow());
             var client = new Socket(served.address().getAddress(), served.address().getPort())) {
            client.setSoTimeout(TIMEOUT);
            for (var line : new String[] {"hello\r\n", "again\r\n"}) {
                var bytes = line.getBytes(StandardCharsets.US_ASCII);
                client.getOutputStream().write(bytes);
                assertArrayEquals(bytes, client.getInputStream().readNBytes(bytes.length));
            }
        }
    }

    @Test
    void answersADatagramWithTheSameBytes() throws Exception {
        try (var served = Served.datagram("echo", new Echo().datagram(Map.of()).orElseThrow());
             var client = new DatagramSocket()) {
            client.setSoTimeout(TIMEOUT);
            for (var sent : new byte[][] {"hello".getBytes(StandardCharsets.US_ASCII), new byte[0], binary(1200)}) {
                client.send(new DatagramPacket(sent, sent.length, served.address()));
                var reply = new DatagramPacket(new byte[2048], 2048);
                client.receive(reply);
                assertEquals(served.address(), reply.getSocketAddress());
                assertArrayEquals(sent, java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
            }
        }
    }

    private static byte[] binary(int length) {
        var bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
