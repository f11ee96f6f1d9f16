package org.jinetd.builtin;

import java.nio.ByteBuffer;

/**
 * The character pattern of RFC 864: line {@code i} holds the 72 printable ASCII characters
 * (32 to 126, 95 of them) that start at offset {@code i mod 95}, wrapping round, followed
 * by CR LF. Line 95 equals line 0, so one period of 95 lines, repeated, is the whole stream.
 */
final class ChargenLines {
    static final int LINE_CHARS = 72;
    private static final int FIRST = ' ';
    private static final int PRINTABLE = 95;
    private static final int LINE_BYTES = LINE_CHARS + 2;
    // Never handed out itself, only as read-only views, so no caller can spoil it for the others.
    private static final byte[] PERIOD = period(PRINTABLE);

    private ChargenLines() {}

    /** One full period, 95 lines of 74 bytes; write it again and again for the stream. */
    static ByteBuffer period() {
        return ByteBuffer.wrap(PERIOD).asReadOnlyBuffer();
    }

    /** The first {@code length} bytes of the stream, at most one period. */
    static ByteBuffer prefix(int length) {
        return ByteBuffer.wrap(PERIOD, 0, length).slice().asReadOnlyBuffer();
    }

    private static byte[] period(int lines) {
        var bytes = new byte[lines * LINE_BYTES];
        int at = 0;
        for (int line = 0; line < lines; line++) {
            for (int column = 0; column < LINE_CHARS; column++) {
                bytes[at++] = (byte) (FIRST + (line + column) % PRINTABLE);
            }
            bytes[at++] = '\r';
            bytes[at++] = '\n';
        }
        return bytes;
    }
}
