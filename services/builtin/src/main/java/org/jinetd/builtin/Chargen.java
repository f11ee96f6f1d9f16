package org.jinetd.builtin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jinetd.handler.Connection;
import org.jinetd.handler.Datagram;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.StreamHandler;

/**
 * chargen (RFC 864): over TCP, the lines of {@link ChargenLines} until the client goes away;
 * over UDP, the first 0 to 512 bytes of them, a random number, for each datagram.
 */
public final class Chargen implements HandlerProvider {
    private static final int MOST_DATAGRAM_BYTES = 512;
    private static final int BUFFER_BYTES = 8192;

    @Override
    public String name() {
        return "chargen";
    }

    @Override
    public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(Chargen::generate);
    }

    /** RFC 864: it writes from the start, whatever its client sends. */
    @Override
    public boolean speaksFirst(Map<String, String> options) {
        return true;
    }

    @Override
    public Optional<DatagramHandler> datagram(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(Chargen::generate);
    }

    private static void generate(Connection connection) {
        var channel = connection.channel();
        // RFC 864 discards what the client sends. Reading it on a thread of its own keeps a
        // client that writes while it reads from stalling on a full window; the daemon's
        // close after we return ends that read.
        Thread.ofVirtual().name("chargen-discard").start(() -> discard(channel));
        var period = ChargenLines.period();
        try {
            while (true) {
                period.rewind();
                while (period.hasRemaining()) {
                    channel.write(period);
                }
            }
        } catch (IOException e) {
            // The client closed or reset: RFC 864's only way for a session to end, not an error.
        }
    }

    private static void discard(ByteChannel channel) {
        var buffer = ByteBuffer.allocate(BUFFER_BYTES);
        try {
            while (channel.read(buffer) >= 0) {
                buffer.clear();
            }
        } catch (IOException e) {
            // Closed under us, or reset; the writer learns of it on its own.
        }
    }

    // Every reply starts at line 0, as the handler keeps no position between datagrams.
    private static void generate(Datagram datagram) throws IOException {
        int length = ThreadLocalRandom.current().nextInt(MOST_DATAGRAM_BYTES + 1);
        datagram.reply(ChargenLines.prefix(length));
    }
}
