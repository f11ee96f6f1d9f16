package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.jinetd.handler.testkit.Client;
import org.jinetd.handler.testkit.DatagramClient;
import org.jinetd.handler.testkit.Served;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DiscardTest {
    @RegisterExtension
    static final Served TCP = Served.stream(new Discard());
    @RegisterExtension
    static final Served UDP = Served.datagram(new Discard());

    @Test
    void sendsNothingBackAndClosesAfterClientHalfCloses(Client client) {
        // More than the socket buffers hold: it only all goes out if discard keeps reading.
        client.send(new byte[4 << 20]).shutdownOutput();
        assertEquals(0, client.readAllBytes().length, "no byte back, then end of stream");
        assertTrue(TCP.awaitEnd().isEmpty(), "handler returned normally");
    }

    @Test
    void endsWhenClientCloses(Client client) {
        client.send("into the void\r\n").close();
        TCP.awaitEnd().ifPresent(thrown -> assertInstanceOf(IOException.class, thrown));
    }

    @Test
    void answersNoDatagram(DatagramClient client) {
        client.send(new byte[] {1, 2, 3});
        assertTrue(UDP.awaitEnd().isEmpty(), "handler returned normally");
        // A reply is sent before the handler returns and loopback delivers at once, so a
        // short wait after the handler ended is enough to show there is none.
        client.assertNoReply(Duration.ofMillis(300));
    }
}
