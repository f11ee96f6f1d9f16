package org.jinetd.daemon.log;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A reusable buffer of bytes, read in place: a line is built in it and written with one call. */
final class Bytes extends ByteArrayOutputStream {
    Bytes(int size) {
        super(size);
    }

    byte[] array() {
        return buf;
    }

    Bytes add(byte[] bytes) {
        write(bytes, 0, bytes.length);
        return this;
    }

    Bytes add(byte[] bytes, int offset, int length) {
        write(bytes, offset, length);
        return this;
    }

    Bytes add(String text) {
        return add(text.getBytes(StandardCharsets.UTF_8));
    }

    Bytes add(char ascii) {
        write(ascii);
        return this;
    }

    /** Drops what it holds; a buffer that grew past {@code most} is let go, so one long line does not stay. */
    void clear(int most) {
        if (buf.length > most) {
            buf = new byte[most];
        }
        reset();
    }
}
