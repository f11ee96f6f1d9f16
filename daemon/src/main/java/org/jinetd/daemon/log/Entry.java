package org.jinetd.daemon.log;

import java.nio.charset.StandardCharsets;

/**
 * One entry of the log, as the log provider wrote it, without its last newline: a line,
 * {@code WARN service=echo ...}, and the lines of its stack trace if it has one.
 *
 * @param bytes        the entry, its level word included
 * @param priority     its syslog priority (3 error, 4 warning, 6 info, 7 debug); an entry
 *                     without a level word (a command's own output) has that of the one before
 * @param messageStart where the message starts, after the level word and its space (0 without one)
 */
record Entry(byte[] bytes, int priority, int messageStart) {
    /** Whether it starts with a level word, as each entry of the log provider does. */
    boolean levelled() {
        return messageStart > 0;
    }

    /** The entry's first line without its level word, where its key=value pairs are: {@code service=echo ...}. */
    String firstLine() {
        int end = messageStart;
        while (end < bytes.length && bytes[end] != '\n') {
            end++;
        }
        return new String(bytes, messageStart, end - messageStart, StandardCharsets.UTF_8);
    }
}
