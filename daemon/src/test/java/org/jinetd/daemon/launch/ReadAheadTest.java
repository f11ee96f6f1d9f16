package org.jinetd.daemon.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bytes read ahead come first, whatever the reader's buffer, then the socket's, then its end. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadAheadTest {
    private static SocketChannel[] pair() throws IOException {
        try (var server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            var client = SocketChannel.open(server.getLocalAddress());
            return new SocketChannel[] {client, server.accept()};
        }
    }

    @Test
    void aReaderWithASmallBufferGetsTheBytesAheadThenTheSocketsInOrder() throws Exception {
        var ends = pair();
        try (var client = ends[0]; var accepted = ends[1]) {
            client.write(ByteBuffer.wrap("ghij".getBytes(StandardCharsets.US_ASCII)));
            client.shutdownOutput();
            var channel = new ReadAhead(ByteBuffer.wrap("abcdef".getBytes(StandardCharsets.US_ASCII)), accepted);
            var got = new ByteArrayOutputStream();
            var buffer = ByteBuffer.allocate(4);
            // The bytes ahead alone fill a read: "abcd", then "ef" without waiting for the socket.
            assertEquals(4, channel.read(buffer.clear()));
            got.write(buffer.array(), 0, 4);
            assertEquals(2, channel.read(buffer.clear()));
            got.write(buffer.array(), 0, 2);
            int n;
            while ((n = channel.read(buffer.clear())) >= 0) {
                got.write(buffer.array(), 0, n);
            }
            assertEquals("abcdefghij", got.toString(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aClosedConnectionReadsNothingOfWhatWasAhead() throws Exception {
        var ends = pair();
        try (var client = ends[0]; var accepted = ends[1]) {
            var channel = new ReadAhead(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)), accepted);
            channel.close();
            assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(8)));
        }
    }
}
