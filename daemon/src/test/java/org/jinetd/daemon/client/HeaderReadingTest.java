package org.jinetd.daemon.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jinetd.daemon.proxy.Accept;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a header that came with the connection is read at accept, on real loopback sockets: in
 * one read that takes what came after it too, or exactly (a look, then the header's bytes
 * dropped), and what is left in the socket either way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeaderReadingTest {
    private static final byte[] V1 = "PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** A connected pair: [0] the client's end, [1] the accepted end, blocking. */
    private static SocketChannel[] pair() throws IOException {
        try (var server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            var client = SocketChannel.open(server.getLocalAddress());
            return new SocketChannel[] {client, server.accept()};
        }
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (var part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        var buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.onSpinWait();
        }
    }

    private static int available(SocketChannel channel) {
        try {
            return channel.socket().getInputStream().available();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oneReadTakesTheHeaderAndWhatCameWithItAndLeavesTheSocketEmpty() throws Exception {
        var ends = pair();
        try (var client = ends[0]; var accepted = ends[1]) {
            write(client, concat(V1, DATA));
            await(() -> available(accepted) == V1.length + DATA.length, "the bytes did not come");
            var look = HeaderReading.readNow(accepted, Accept.ANY, false);
            var read = assertInstanceOf(HeaderReading.Outcome.Read.class,
                    assertInstanceOf(HeaderReading.Look.Done.class, look).outcome());
            var after = new byte[read.after().remaining()];
            read.after().get(after);
            assertArrayEquals(DATA, after);
            assertEquals(0, available(accepted), "the one read left bytes in the socket");
        }
    }

    @Test
    void anExactReadTakesTheHeaderAloneAndLeavesTheRestInTheSocket() throws Exception {
        var ends = pair();
        try (var client = ends[0]; var accepted = ends[1]) {
            write(client, concat(V1, DATA));
            await(() -> available(accepted) == V1.length + DATA.length, "the bytes did not come");
            var look = HeaderReading.readNow(accepted, Accept.ANY, true);
            var read = assertInstanceOf(HeaderReading.Outcome.Read.class,
                    assertInstanceOf(HeaderReading.Look.Done.class, look).outcome());
            assertEquals(0, read.after().remaining());
            assertEquals(DATA.length, available(accepted));
            var rest = ByteBuffer.allocate(DATA.length);
            while (rest.hasRemaining()) {
                accepted.read(rest);
            }
            assertArrayEquals(DATA, rest.array());
        }
    }

    /**
     * A v2 header longer than the first read, whose client resets after its first 256 bytes:
     * what was taken counts, and the connection's line says the reset came within the header.
     */
    @Test
    void aResetAfterTheFirstReadOfALongHeaderIsWithinTheHeader() throws Exception {
        var tlv = concat(new byte[] {0x04, 400 >> 8, (byte) 400}, new byte[400]);
        var body = concat(new byte[] {(byte) 192, 0, 2, 1, (byte) 198, 51, 100, 2, (byte) 0xdc, 0x04, 0x01, (byte) 0xbb},
                tlv);
        var header = concat(SIGNATURE, new byte[] {0x21, 0x11, (byte) (body.length >> 8), (byte) body.length}, body);
        for (boolean exact : new boolean[] {false, true}) {
            var ends = pair();
            try (var client = ends[0]; var accepted = ends[1]) {
                write(client, Arrays.copyOf(header, 256));
                await(() -> available(accepted) == 256, "the bytes did not come");
                client.setOption(StandardSocketOptions.SO_LINGER, 0);
                client.close();
                // Said at once, where the look met the reset; else by the read that waits, from what was taken.
                var outcome = switch (HeaderReading.readNow(accepted, Accept.ANY, exact)) {
                    case HeaderReading.Look.Done done -> done.outcome();
                    case HeaderReading.Look.Waits waits -> {
                        assertEquals(exact ? 0 : 256, waits.have(), "exact=" + exact);
                        yield HeaderReading.read(accepted, Accept.ANY, Duration.ofSeconds(10), waits);
                    }
                };
                assertEquals(new HeaderReading.Outcome.Failed("reset within its header"), outcome, "exact=" + exact);
            }
        }
    }
}
