package org.jinetd.handler.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryDatagramTest {

    @Test
    void thePayloadIsAFreshReadOnlyViewAtEachCall() {
        var datagram = MemoryDatagram.of("abc");
        var first = datagram.payload();
        first.get();
        assertEquals(3, datagram.payload().remaining(), "a second look starts from the start");
        assertTrue(first.isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> datagram.payload().put((byte) 'x'));
    }

    @Test
    void repliesAreKeptInOrderAndConsumeTheirBuffers() {
        var datagram = MemoryDatagram.of(new byte[0]);
        var answer = ByteBuffer.wrap("xyz".getBytes(UTF_8)).position(1);
        datagram.reply(answer);
        assertFalse(answer.hasRemaining());
        datagram.reply(ByteBuffer.allocate(0));
        assertEquals(List.of("yz", ""), datagram.replyTexts());
        assertArrayEquals("yz".getBytes(UTF_8), datagram.replies().getFirst());
        datagram.replies().getFirst()[0] = 'Q';
        assertEquals("yz", datagram.replyTexts().getFirst(), "replies() hands out copies");
    }

    @Test
    void addressesAndServiceHaveDefaultsAndCanBeSet() {
        var datagram = MemoryDatagram.of("");
        assertEquals(new InetSocketAddress("127.0.0.1", 50_000), datagram.peer());
        assertEquals(new InetSocketAddress("127.0.0.1", 7_000), datagram.local());
        assertEquals("test", datagram.service());
        var peer = new InetSocketAddress("192.0.2.1", 4711);
        datagram.peer(peer).local(new InetSocketAddress("198.51.100.2", 7)).service("echo");
        assertEquals(peer, datagram.peer());
        assertEquals(new InetSocketAddress("198.51.100.2", 7), datagram.local());
        assertEquals("echo", datagram.service());
    }
}
