package org.example.reverse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.channels.Channels;
import org.jinetd.handler.Connection;
import org.jinetd.handler.StreamHandler;

/** Answers each line (up to LF, any CR dropped) with the line reversed, then {@code suffix}. */
public record Reverse(String suffix) implements StreamHandler {
    /** The longest line: a client that never sends LF cannot make the daemon hold more. */
    static final int MOST_CHARS = 4096;

    @Override
    public void handle(Connection connection) throws IOException {
        var in = Channels.newReader(connection.channel(), UTF_8);
        var out = Channels.newWriter(connection.channel(), UTF_8);
        var line = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                out.append(line.reverse()).append(suffix).append('\n').flush();
                line.setLength(0);
            } else if (c != '\r' && line.append((char) c).length() > MOST_CHARS) {
                throw new IOException("a line longer than " + MOST_CHARS + " characters");
            }
        }
    }
}
