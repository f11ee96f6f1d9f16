package org.jinetd.handler.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import org.jinetd.handler.PeerCredentials;
import org.jinetd.handler.TlsSession;
import org.junit.jupiter.api.Test;

class MemoryConnectionTest {

    @Test
    void aBalancerAndATlsSessionAreWhatTheTestSetsAndAbsentOtherwise() {
        var plain = MemoryConnection.of("");
        assertEquals(Optional.empty(), plain.via());
        assertEquals(Optional.empty(), plain.tls());
        var balancer = new InetSocketAddress("192.0.2.1", 40_000);
        var session = new TlsSession("TLSv1.3", "TLS_AES_128_GCM_SHA256", Optional.of("www.example.org"),
                Optional.of("h2"), java.util.List.of());
        var secured = MemoryConnection.of("").via(balancer).tls(session);
        assertEquals(Optional.of(balancer), secured.via());
        assertEquals(Optional.of(session), secured.tls());
    }

    @Test
    void readsGiveTheInputThenEndOfStream() throws Exception {
        var connection = MemoryConnection.of("hello");
        var buffer = ByteBuffer.allocate(3);
        assertEquals(3, connection.channel().read(buffer));
        assertEquals(0, connection.channel().read(buffer), "no room, no bytes, as a socket channel");
        assertEquals(2, connection.channel().read(buffer.clear()));
        assertEquals("lo", UTF_8.decode(buffer.flip()).toString());
        assertEquals(-1, connection.channel().read(buffer.clear()));
        assertEquals(-1, connection.channel().read(buffer.clear()), "and stays ended");
    }

    @Test
    void mostPerReadCutsReadsShortAsTcpMay() throws Exception {
        var connection = MemoryConnection.of(new byte[] {1, 2, 3}).mostPerRead(1);
        var buffer = ByteBuffer.allocate(16);
        assertEquals(1, connection.channel().read(buffer));
        assertEquals(1, connection.channel().read(buffer));
        assertEquals(1, connection.channel().read(buffer));
        assertEquals(-1, connection.channel().read(buffer));
        assertThrows(IllegalArgumentException.class, () -> connection.mostPerRead(0));
    }

    @Test
    void writesAreKeptWholeFromHeapAndDirectBuffers() throws Exception {
        var connection = MemoryConnection.of("");
        var heap = ByteBuffer.wrap("xhéllo".getBytes(UTF_8)).position(1);
        assertEquals(6, connection.channel().write(heap));
        assertFalse(heap.hasRemaining());
        var direct = ByteBuffer.allocateDirect(2).put((byte) '!').put((byte) '\n').flip();
        assertEquals(2, connection.channel().write(direct));
        assertEquals("héllo!\n", connection.writtenText());
        assertArrayEquals("héllo!\n".getBytes(UTF_8), connection.written());
    }

    @Test
    void afterShutdownOutputWritesFailAndReadsGoOn() throws Exception {
        var connection = MemoryConnection.of("in");
        assertFalse(connection.isOutputShutdown());
        connection.shutdownOutput();
        assertTrue(connection.isOutputShutdown());
        assertThrows(ClosedChannelException.class, () -> connection.channel().write(ByteBuffer.allocate(1)));
        assertEquals(2, connection.channel().read(ByteBuffer.allocate(4)));
    }

    @Test
    void afterCloseEveryCallFails() throws Exception {
        var connection = MemoryConnection.of("in");
        assertTrue(connection.channel().isOpen());
        connection.channel().close();
        assertTrue(connection.isClosed());
        assertFalse(connection.channel().isOpen());
        assertThrows(ClosedChannelException.class, () -> connection.channel().read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> connection.channel().write(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, connection::shutdownOutput);
    }

    @Test
    void addressesServiceAndCredentialsHaveDefaultsAndCanBeSet() {
        var connection = MemoryConnection.of("");
        assertEquals(new InetSocketAddress("127.0.0.1", 50_000), connection.peer());
        assertEquals(new InetSocketAddress("127.0.0.1", 7_000), connection.local());
        assertEquals("test", connection.service());
        assertEquals(Optional.empty(), connection.credentials());
        var peer = new InetSocketAddress("192.0.2.1", 4711);
        var local = new InetSocketAddress("198.51.100.2", 7);
        var credentials = new PeerCredentials(42, 1000, 1000);
        connection.peer(peer).local(local).service("echo").credentials(credentials);
        assertEquals(peer, connection.peer());
        assertEquals(local, connection.local());
        assertEquals("echo", connection.service());
        assertEquals(Optional.of(credentials), connection.credentials());
    }

    @Test
    void theInputIsCopied() throws Exception {
        var input = new byte[] {'a'};
        var connection = MemoryConnection.of(input);
        input[0] = 'b';
        var buffer = ByteBuffer.allocate(1);
        connection.channel().read(buffer);
        assertEquals('a', buffer.get(0));
    }
}
