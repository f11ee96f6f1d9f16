package org.jinetd.builtin;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.StreamHandler;

/** discard (RFC 863): reads everything and answers nothing. */
public final class Discard implements HandlerProvider {
    private static final int BUFFER_BYTES = 8192;

    @Override
    public String name() {
        return "discard";
    }

    @Override
    public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(connection -> {
            var channel = connection.channel();
            var buffer = ByteBuffer.allocate(BUFFER_BYTES);
            // Reading, rather than just waiting, keeps the client's window open so it can send forever.
            while (channel.read(buffer) >= 0) {
                buffer.clear();
            }
        });
    }

    @Override
    public Optional<DatagramHandler> datagram(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(datagram -> {});
    }
}
