package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscardTest {
    private static final int TIMEOUT = (int) Served.DEADLINE.toMillis();

    @Test
    void sendsNothingBackAndClosesAfterClientHalfCloses() throws Exception {
        try (var served = Served.stream("discard", new Discard().stream(Map.of()).orElseThrow());
             var client = new Socket(served.address().getAddress(), served.address().getPort())) {
            client.setSoTimeout(TIMEOUT);
            // More than the socket buffers hold: it only all goes out if discard keeps reading.
            client.getOutputStream().write(new byte[4 << 20]);
            client.shutdownOutput();
            assertEquals(-1, client.getInputStream().read(), "no byte back, then end of stream");
            assertTrue(served.awaitEnd().isEmpty(), "handler returned normally");
        }
    }

    @Test
    void endsWhenClientCloses() throws Exception {
        try (var served = Served.stream("discard", new Discard().stream(Map.of()).orElseThrow())) {
            try (var client = new Socket(served.address().getAddress(), served.address().getPort())) {
                client.getOutputStream().write("into the void\r\n".getBytes());
            }
            served.awaitEnd().ifPresent(thrown -> assertTrue(thrown instanceof java.io.IOException, thrown.toString()));
        }
    }

    @Test
    void answersNoDatagram() throws Exception {
        try (var served = Served.datagram("discard", new Discard().datagram(Map.of()).orElseThrow());
             var client = new DatagramSocket()) {
            client.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, served.address()));
            assertTrue(served.awaitEnd().isEmpty(), "handler returned normally");
            // A reply is sent before the handler returns and loopback delivers at once, so a
            // short wait after the handler ended is enough to show there is none.
            client.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> client.receive(new DatagramPacket(new byte[16], 16)));
        }
    }
}
