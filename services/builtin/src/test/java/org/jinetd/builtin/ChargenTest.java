package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChargenTest {
    private static final int TIMEOUT = (int) Served.DEADLINE.toMillis();
    private static final int LINE_BYTES = 74;

    @Test
    void sendsTheRotatingLinesOfRfc864() throws Exception {
        try (var served = Served.stream("chargen", new Chargen().stream(Map.of()).orElseThrow());
             var client = new Socket(served.address().getAddress(), served.address().getPort())) {
            client.setSoTimeout(TIMEOUT);
            var in = client.getInputStream();
            assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n", line(in));
            assertEquals("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n", line(in));
            // Two full periods and a bit, to see the wrap at '~' and the return to line 0.
            for (int i = 2; i < 200; i++) {
                assertEquals(expected(i), line(in), "line " + i);
            }
        }
    }

    @Test
    void keepsSendingWhileDiscardingWhatTheClientSends() throws Exception {
        try (var served = Served.stream("chargen", new Chargen().stream(Map.of()).orElseThrow());
             var client = new Socket(served.address().getAddress(), served.address().getPort())) {
            client.setSoTimeout(TIMEOUT);
            // More than the socket buffers hold: the writer only finishes if chargen reads.
            var writer = Thread.ofVirtual().start(() -> {
                try {
                    client.getOutputStream().write(new byte[4 << 20]);
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            var in = client.getInputStream();
            for (int i = 0; i < 10; i++) {
                assertEquals(expected(i), line(in), "line " + i);
            }
            assertTrue(writer.join(Served.DEADLINE), "everything we sent was taken");
            // A half-close is not the end of a chargen session: lines keep coming.
            for (int i = 10; i < 20; i++) {
                assertEquals(expected(i), line(in), "line " + i);
            }
        }
    }

    @Test
    void endsWhenClientResets() throws Exception {
        try (var served = Served.stream("chargen", new Chargen().stream(Map.of()).orElseThrow())) {
            try (var client = new Socket(served.address().getAddress(), served.address().getPort())) {
                client.setSoTimeout(TIMEOUT);
                assertEquals(expected(0), line(client.getInputStream()));
                client.setSoLinger(true, 0); // close sends RST
            }
            served.awaitEnd().ifPresent(thrown -> assertTrue(thrown instanceof IOException, thrown.toString()));
        }
    }

    @Test
    void endsWhenClientCloses() throws Exception {
        try (var served = Served.stream("chargen", new Chargen().stream(Map.of()).orElseThrow())) {
            try (var client = new Socket(served.address().getAddress(), served.address().getPort())) {
                client.setSoTimeout(TIMEOUT);
                assertEquals(expected(0), line(client.getInputStream()));
            }
            served.awaitEnd().ifPresent(thrown -> assertTrue(thrown instanceof IOException, thrown.toString()));
        }
    }

    @Test
    void answersDatagramsWithZeroTo512BytesOfThePattern() throws Exception {
        var stream = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            stream.append(expected(i));
        }
        var lengths = new HashSet<Integer>();
        try (var served = Served.datagram("chargen", new Chargen().datagram(Map.of()).orElseThrow());
             var client = new DatagramSocket()) {
            client.setSoTimeout(TIMEOUT);
            for (int i = 0; i < 40; i++) {
                client.send(new DatagramPacket(new byte[] {'x'}, 1, served.address()));
                var reply = new DatagramPacket(new byte[2048], 2048);
                client.receive(reply);
                int length = reply.getLength();
                assertTrue(length >= 0 && length <= 512, "length " + length);
                assertEquals(stream.substring(0, length),
                        new String(reply.getData(), 0, length, StandardCharsets.US_ASCII));
                lengths.add(length);
            }
        }
        // 40 draws from 513 lengths all alike would mean the length is not random.
        assertTrue(lengths.size() > 1, "lengths vary: " + lengths);
    }

    /** Line {@code i} of RFC 864, built from the RFC's words rather than from the code under test. */
    private static String expected(int i) {
        var line = new StringBuilder();
        for (int column = 0; column < 72; column++) {
            line.append((char) (32 + (i + column) % 95));
        }
        return line.append("\r\n").toString();
    }

    private static String line(java.io.InputStream in) throws IOException {
        var bytes = in.readNBytes(LINE_BYTES);
        assertEquals(LINE_BYTES, bytes.length, "a whole line before end of stream");
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void expectedLinesFollowTheRfc() {
        // Guards the oracle itself: a wrong expected() would make the tests above meaningless.
        assertArrayEquals(" !\"#".getBytes(), expected(0).substring(0, 4).getBytes());
        assertEquals("~ !\"", expected(94).substring(0, 4));
        assertEquals(expected(0), expected(95));
    }
}
