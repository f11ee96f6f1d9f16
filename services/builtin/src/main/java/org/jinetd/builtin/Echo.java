package org.jinetd.builtin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.jinetd.handler.Connection;
import org.jinetd.handler.Datagram;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.StreamHandler;

/** echo (RFC 862): sends back every byte it receives. */
public final class Echo implements HandlerProvider {
    private static final int BUFFER_BYTES = 8192;

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(Echo::echo);
    }

    @Override
    public Optional<DatagramHandler> datagram(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(Echo::echo);
    }

    // Returns at the client's end of stream; the daemon's close then ends our side too.
    private static void echo(Connection connection) throws IOException {
        var channel = connection.channel();
        var buffer = ByteBuffer.allocate(BUFFER_BYTES);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }
    }

    private static void echo(Datagram datagram) throws IOException {
        datagram.reply(datagram.payload());
    }
}
