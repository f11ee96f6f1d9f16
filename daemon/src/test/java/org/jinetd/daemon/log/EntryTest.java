package org.jinetd.daemon.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EntryTest {
    private static String entry(String raw) {
        var bytes = raw.getBytes(StandardCharsets.UTF_8);
        return new String(Entry.of(bytes, bytes.length, true, 6, false).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void plainTextStaysAsItIsAndEveryControlByteIsEscapedWhereverItStands() {
        assertEquals("INFO service=echo peer=127.0.0.1:4711 duration=0.000s",
                entry("INFO service=echo peer=127.0.0.1:4711 duration=0.000s"));
        assertEquals("INFO \\x1b[2Ja\\x7f\\x9bb\\tc\\rd \u00a9 \u00c2 end\\x00",
                entry("INFO \u001b[2Ja\u007f\u009bb\tc\rd \u00a9 \u00c2 end\u0000"));
        assertEquals("WARN a trace=\"x \\\"q\\\" \\\\ \\x1b\\nline\"", entry("WARN a\nx \"q\" \\ \u001b\nline"));
    }

    /** Any bytes at all, a lone 0xc2 at the end included: the same as one byte at a time. */
    @Test
    void randomBytesComeOutAsTheByteAtATimeEscapeWouldHaveThem() {
        var random = new SplittableRandom(862);
        byte[] alphabet = {'a', ' ', '"', '\\', '\n', '\r', '\t', 0, 0x1b, 0x7f, (byte) 0xc2, (byte) 0x85, (byte) 0x9f,
                (byte) 0xa0, (byte) 0xe2, (byte) 0x80, 'Z'};
        for (int round = 0; round < 20_000; round++) {
            var raw = new byte[random.nextInt(40)];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = alphabet[random.nextInt(alphabet.length)];
            }
            var levelled = new byte[raw.length + 5];
            System.arraycopy("INFO ".getBytes(StandardCharsets.US_ASCII), 0, levelled, 0, 5);
            System.arraycopy(raw, 0, levelled, 5, raw.length);
            var got = Entry.of(levelled, levelled.length, true, 6, false).bytes();
            assertArrayEquals(reference(levelled), got, () -> "for " + Arrays.toString(raw));
        }
    }

    /** The escape written plainly, a byte at a time: first line as it is, the rest as a quoted trace. */
    private static byte[] reference(byte[] raw) {
        int newline = 5;
        while (newline < raw.length && raw[newline] != '\n') {
            newline++;
        }
        var out = new ByteArrayOutputStream();
        out.write(raw, 0, 5);
        slow(raw, 5, newline, false, out);
        if (newline + 1 < raw.length) {
            out.writeBytes(" trace=\"".getBytes(StandardCharsets.US_ASCII));
            slow(raw, newline + 1, raw.length, true, out);
            out.write('"');
        }
        return out.toByteArray();
    }

    private static void slow(byte[] raw, int from, int to, boolean quoted, ByteArrayOutputStream out) {
        for (int i = from; i < to; i++) {
            int b = raw[i] & 0xff;
            String text;
            if (b == 0xc2 && i + 1 < to && (raw[i + 1] & 0xff) >= 0x80 && (raw[i + 1] & 0xff) <= 0x9f) {
                text = "\\x%02x".formatted(raw[++i] & 0xff);
            } else if (quoted && (b == '"' || b == '\\')) {
                text = "\\" + (char) b;
            } else if (b == '\n') {
                text = "\\n";
            } else if (b == '\r') {
                text = "\\r";
            } else if (b == '\t') {
                text = "\\t";
            } else if (b < ' ' || b == 0x7f) {
                text = "\\x%02x".formatted(b);
            } else {
                out.write(b);
                continue;
            }
            out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
