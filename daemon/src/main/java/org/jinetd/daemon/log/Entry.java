package org.jinetd.daemon.log;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * One entry of the log, made by {@link #of} from what the log provider wrote: always a single
 * line, without control characters, of at most {@link LogOutput#MOST_ENTRY} bytes, so that
 * every destination (stderr, a file, syslog, the journal) has it as one entry and no part of
 * it can pass for another.
 *
 * @param bytes        the entry, its level word included
 * @param priority     its syslog priority (3 error, 4 warning, 6 info, 7 debug); an entry
 *                     without a level word (a command's own output) has that of the one before
 * @param messageStart where the message starts, after the level word and its space (0 without one)
 */
record Entry(byte[] bytes, int priority, int messageStart) {
    /** Priorities of the level words the log provider writes first. */
    static final Map<String, Integer> PRIORITIES = Map.of("ERROR", 3, "WARN", 4, "INFO", 6, "DEBUG", 7, "TRACE", 7);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** The end of an entry that was longer than a destination takes. */
    private static final byte[] MARK = (" [cut at " + LogOutput.MOST_ENTRY + " bytes]").getBytes(StandardCharsets.US_ASCII);

    /**
     * The entry of {@code length} bytes of {@code raw}. What the log provider writes starts with
     * a level word ({@code levelled}); the rest of stderr, a line at a time, never has one read
     * from it, so that no text can choose its own priority or fields.
     *
     * <p>The first line is kept, each control byte in it escaped ({@code \x1b}). What follows a
     * newline is not a line of its own but one quoted value, {@code trace="..."}, as
     * {@link LogText#quoted} writes it: the stack trace the provider prints after an entry given
     * a throwable, or a newline some text brought into the entry. An entry longer than
     * {@link LogOutput#MOST_ENTRY} bytes, or one whose end was not kept ({@code cut}), ends in
     * {@code [cut at 65536 bytes]}: nothing past that bound starts another entry.
     *
     * @param before the priority of the entry before, for one without a level word
     */
    static Entry of(byte[] raw, int length, boolean levelled, int before, boolean cut) {
        int priority = before;
        int messageStart = 0;
        if (levelled) {
            int level = 0;
            while (level < length && level < 6 && raw[level] >= 'A' && raw[level] <= 'Z') {
                level++;
            }
            var known = level < length && raw[level] == ' '
                    ? PRIORITIES.get(new String(raw, 0, level, StandardCharsets.US_ASCII)) : null;
            if (known != null) {
                priority = known;
                messageStart = level + 1;
            }
        }
        int newline = messageStart;
        while (newline < length && raw[newline] != '\n') {
            newline++;
        }
        var out = new Bytes(Math.min(length, LogOutput.MOST_ENTRY) + 32);
        out.add(raw, 0, messageStart);
        escape(raw, messageStart, newline, false, out);
        if (newline + 1 < length) {
            out.add(" trace=\"");
            escape(raw, newline + 1, length, true, out);
            out.add('"');
        }
        var bytes = out.array();
        int size = out.size();
        if (!cut && size <= LogOutput.MOST_ENTRY) {
            return new Entry(Arrays.copyOf(bytes, size), priority, messageStart);
        }
        if (size > LogOutput.MOST_ENTRY - MARK.length) {
            size = LogOutput.MOST_ENTRY - MARK.length;
            // Never half a character: back to the first byte of the one the cut falls in.
            while (size > messageStart && (bytes[size] & 0xc0) == 0x80) {
                size--;
            }
        }
        var marked = Arrays.copyOf(bytes, size + MARK.length);
        System.arraycopy(MARK, 0, marked, size, MARK.length);
        return new Entry(marked, priority, messageStart);
    }

    /**
     * Copies {@code raw[from, to)} to {@code out}, each control byte escaped (C0, DEL, and C1 in
     * its UTF-8 form); in a {@code quoted} value, quotes and backslashes too.
     */
    private static void escape(byte[] raw, int from, int to, boolean quoted, Bytes out) {
        // Bytes that stay as they are go in runs, one copy each: a connection's line has no other.
        int plain = from;
        for (int i = from; i < to; i++) {
            int b = raw[i] & 0xff;
            if (b >= ' ' && b != 0x7f && b != 0xc2 && !(quoted && (b == '"' || b == '\\'))) {
                continue;
            }
            out.add(raw, plain, i - plain);
            if (b == 0xc2 && i + 1 < to && (raw[i + 1] & 0xff) >= 0x80 && (raw[i + 1] & 0xff) <= 0x9f) {
                hex(raw[++i] & 0xff, out);
            } else if (quoted && (b == '"' || b == '\\')) {
                out.add('\\').add((char) b);
            } else if (b == '\n') {
                out.add("\\n");
            } else if (b == '\r') {
                out.add("\\r");
            } else if (b == '\t') {
                out.add("\\t");
            } else if (b < ' ' || b == 0x7f) {
                hex(b, out);
            } else {
                out.write(b);
            }
            plain = i + 1;
        }
        out.add(raw, plain, to - plain);
    }

    private static void hex(int b, Bytes out) {
        out.add('\\').add('x').add((char) HEX[b >> 4]).add((char) HEX[b & 0xf]);
    }

    /** Whether it starts with a level word, as each entry of the log provider does. */
    boolean levelled() {
        return messageStart > 0;
    }

    /** The entry without its level word, where its key=value pairs are: {@code service=echo ...}. */
    String message() {
        return new String(bytes, messageStart, bytes.length - messageStart, StandardCharsets.UTF_8);
    }
}
