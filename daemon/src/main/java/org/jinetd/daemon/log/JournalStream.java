package org.jinetd.daemon.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Stderr as journald reads it: each line starts with its priority, {@code <4>} for a
 * warning, as sd-daemon(3) describes, so that {@code journalctl -p warning} finds refusals
 * and failures. The priority comes from the level the log provider writes first on a
 * line ({@code WARN ...}); a line without one (a stack trace's) keeps the last line's.
 */
public final class JournalStream extends OutputStream {
    private static final Map<String, String> PRIORITIES = Map.of(
            "ERROR", "<3>", "WARN", "<4>", "INFO", "<6>", "DEBUG", "<7>", "TRACE", "<7>");
    /** A line longer than this is passed on in pieces, each with the priority. */
    private static final int MOST_LINE = 64 * 1024;

    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private String priority = "<6>";

    public JournalStream(OutputStream out) {
        this.out = out;
    }

    /**
     * Whether stderr is the journal's stream: systemd sets {@code JOURNAL_STREAM} to the
     * device and inode of the socket it gives as stderr, and a child that inherited the
     * variable but not the socket must not prefix its lines.
     */
    public static boolean isStderr(Map<String, String> environment) {
        var stream = environment.get("JOURNAL_STREAM");
        if (stream == null || !stream.matches("\\d+:\\d+")) {
            return false;
        }
        try {
            var stderr = Path.of("/proc/self/fd/2");
            var dev = ((Number) Files.getAttribute(stderr, "unix:dev")).longValue();
            var ino = ((Number) Files.getAttribute(stderr, "unix:ino")).longValue();
            return stream.equals(Long.toUnsignedString(dev) + ":" + Long.toUnsignedString(ino));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (b == '\n') {
            flushLine();
            return;
        }
        line.write(b);
        if (line.size() >= MOST_LINE) {
            flushLine();
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                line.write(bytes, start, i - start);
                flushLine();
                start = i + 1;
            }
        }
        line.write(bytes, start, end - start);
        if (line.size() >= MOST_LINE) {
            flushLine();
        }
    }

    private void flushLine() throws IOException {
        var text = line.toByteArray();
        line.reset();
        var level = levelOf(text);
        if (level != null) {
            priority = level;
        }
        out.write(priority.getBytes(StandardCharsets.US_ASCII));
        out.write(text);
        out.write('\n');
    }

    /** The priority of the level word a line starts with (after a timestamp, if any), or null. */
    private static String levelOf(byte[] text) {
        int end = 0;
        while (end < text.length && end < 6 && text[end] >= 'A' && text[end] <= 'Z') {
            end++;
        }
        if (end == text.length || text[end] != ' ') {
            return null;
        }
        return PRIORITIES.get(new String(text, 0, end, StandardCharsets.US_ASCII));
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        if (line.size() > 0) {
            flushLine();
        }
        out.close();
    }
}
