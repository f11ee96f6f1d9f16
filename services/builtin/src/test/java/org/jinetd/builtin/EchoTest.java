package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.jinetd.handler.testkit.Client;
import org.jinetd.handler.testkit.DatagramClient;
import org.jinetd.handler.testkit.Served;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EchoTest {
    @RegisterExtension
    static final Served TCP = Served.stream(new Echo());
    @RegisterExtension
    static final Served UDP = Served.datagram(new Echo());

    @Test
    void echoesEveryByteAndClosesAfterClientHalfCloses(Client client) throws Exception {
        var sent = new byte[300_000];
        new Random(862).nextBytes(sent);
        // Written from a thread of its own: echo answers while we still send, so one thread
        // doing both would fill both windows and stop.
        var writer = Thread.ofVirtual().start(() -> client.send(sent).shutdownOutput());
        assertArrayEquals(sent, client.readAllBytes());
        assertTrue(writer.join(Served.DEADLINE), "writer finished");
        assertTrue(TCP.awaitEnd().isEmpty(), "handler returned normally");
    }

    @Test
    void answersEachLineWhileTheConnectionStaysOpen(Client client) {
        for (var line : new String[] {"hello\r\n", "again\r\n"}) {
            var bytes = line.getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(bytes, client.send(bytes).read(bytes.length));
        }
    }

    @Test
    void answersADatagramWithTheSameBytes(DatagramClient client) {
        // The client takes only what comes from the service's address: the answer comes from there.
        for (var sent : new byte[][] {"hello".getBytes(StandardCharsets.US_ASCII), new byte[0], binary(1200)}) {
            assertArrayEquals(sent, client.send(sent).receive());
        }
    }

    private static byte[] binary(int length) {
        var bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
