package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import org.jinetd.handler.testkit.Client;
import org.jinetd.handler.testkit.DatagramClient;
import org.jinetd.handler.testkit.Served;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChargenTest {
    private static final int LINE_BYTES = 74;

    @RegisterExtension
    static final Served TCP = Served.stream(new Chargen());
    @RegisterExtension
    static final Served UDP = Served.datagram(new Chargen());

    @Test
    void sendsTheRotatingLinesOfRfc864(Client client) {
        assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n", line(client));
        assertEquals("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n", line(client));
        // Two full periods and a bit, to see the wrap at '~' and the return to line 0.
        for (int i = 2; i < 200; i++) {
            assertEquals(expected(i), line(client), "line " + i);
        }
    }

    @Test
    void keepsSendingWhileDiscardingWhatTheClientSends(Client client) throws Exception {
        // More than the socket buffers hold: the writer only finishes if chargen reads.
        var writer = Thread.ofVirtual().start(() -> client.send(new byte[4 << 20]).shutdownOutput());
        for (int i = 0; i < 10; i++) {
            assertEquals(expected(i), line(client), "line " + i);
        }
        assertTrue(writer.join(Served.DEADLINE), "everything we sent was taken");
        // A half-close is not the end of a chargen session: lines keep coming.
        for (int i = 10; i < 20; i++) {
            assertEquals(expected(i), line(client), "line " + i);
        }
    }

    @Test
    void endsWhenClientResets(Client client) {
        assertEquals(expected(0), line(client));
        client.reset();
        TCP.awaitEnd().ifPresent(thrown -> assertInstanceOf(IOException.class, thrown));
    }

    @Test
    void endsWhenClientCloses(Client client) {
        assertEquals(expected(0), line(client));
        client.close();
        TCP.awaitEnd().ifPresent(thrown -> assertInstanceOf(IOException.class, thrown));
    }

    @Test
    void answersDatagramsWithZeroTo512BytesOfThePattern(DatagramClient client) {
        var stream = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            stream.append(expected(i));
        }
        var lengths = new HashSet<Integer>();
        for (int i = 0; i < 40; i++) {
            var reply = client.send("x").receive();
            assertTrue(reply.length <= 512, "length " + reply.length);
            assertEquals(stream.substring(0, reply.length), new String(reply, StandardCharsets.US_ASCII));
            lengths.add(reply.length);
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

    private static String line(Client client) {
        return new String(client.read(LINE_BYTES), StandardCharsets.US_ASCII);
    }

    @Test
    void expectedLinesFollowTheRfc() {
        // Guards the oracle itself: a wrong expected() would make the tests above meaningless.
        assertArrayEquals(" !\"#".getBytes(), expected(0).substring(0, 4).getBytes());
        assertEquals("~ !\"", expected(94).substring(0, 4));
        assertEquals(expected(0), expected(95));
    }
}
