package org.jinetd.daemon.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The time at the head of a line on stderr or in a file, local time with its offset:
 * {@code 2025-06-01T12:00:00.123+02:00}. The part up to the second is made once a second, so
 * that a busy log does not format a date per line.
 */
final class Timestamp {
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX");

    private long second = Long.MIN_VALUE;
    private byte[] head;
    private byte[] offset;

    /** Adds the time now and a space to {@code out}. */
    void add(Bytes out) {
        long now = System.currentTimeMillis();
        long at = Math.floorDiv(now, 1000L);
        if (at != second) {
            var time = Instant.ofEpochSecond(at).atZone(ZoneId.systemDefault());
            head = SECOND.format(time).getBytes(StandardCharsets.US_ASCII);
            offset = OFFSET.format(time).getBytes(StandardCharsets.US_ASCII);
            second = at;
        }
        int millis = (int) Math.floorMod(now, 1000L);
        out.add(head).add('.').add((char) ('0' + millis / 100)).add((char) ('0' + millis / 10 % 10))
                .add((char) ('0' + millis % 10)).add(offset).add(' ');
    }
}
