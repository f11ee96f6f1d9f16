package org.jinetd.daemon.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reading one request line from a control client, never more than {@link #MAX_BYTES}. */
final class RequestLine {
    /** The longest request line; a real one is under a hundred bytes. */
    static final int MAX_BYTES = 64 * 1024;

    private RequestLine() {}

    /** A request line longer than {@link #MAX_BYTES}. */
    static final class TooLong extends IOException {
        TooLong() {
            super("a request longer than %d bytes".formatted(MAX_BYTES));
        }
    }

    /** The line up to its newline (or the end of input); empty when the client sent nothing. */
    static Optional<String> read(SocketChannel client) throws IOException {
        var line = new ByteArrayOutputStream();
        var buffer = ByteBuffer.allocate(4096);
        while (true) {
            buffer.clear();
            int n = client.read(buffer);
            if (n < 0) {
                return line.size() == 0 ? Optional.empty() : Optional.of(line.toString(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    return Optional.of(line.toString(StandardCharsets.UTF_8));
                }
                if (line.size() == MAX_BYTES) {
                    throw new TooLong();
                }
                line.write(b);
            }
        }
    }
}
