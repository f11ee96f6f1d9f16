package org.jinetd.daemon.launch.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jinetd.daemon.log.ConnectionLog;
import org.junit.jupiter.api.Test;

/** Whatever a program writes to stderr, the log gets bounded lines at a bounded rate. */
class StderrLinesTest {
    private final List<String> logged = new ArrayList<>();
    private final StderrLines lines = new StderrLines(new ConnectionLog(logged::add), "s", 42);

    @Test
    void aLineWithoutEndIsLoggedCutAndTheRestSkipped() {
        var zeros = new byte[1 << 20];
        for (int i = 0; i < 100; i++) {
            lines.feed(zeros, 0, zeros.length);
        }
        // The line ends; the next one is logged whole.
        var after = "end of the long line\nafter\n".getBytes(StandardCharsets.US_ASCII);
        lines.feed(after, 0, after.length);
        lines.end();
        assertEquals(2, logged.size(), logged.toString());
        assertTrue(logged.get(0).endsWith(" [cut at 4096 bytes]\""), logged.get(0).substring(0, 60));
        assertTrue(logged.get(0).length() < 2 * StderrLines.MOST_LINE * 6, "one line of at most 4096 bytes, quoted");
        assertEquals("service=s pid=42 stderr=after", logged.get(1));
    }

    @Test
    void linesPastTheRateAreCountedNotLogged() {
        var many = "x\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        lines.feed(many, 0, many.length);
        lines.end();
        long shown = logged.stream().filter(l -> l.endsWith(" stderr=x")).count();
        long counted = logged.stream().filter(l -> l.contains(" stderr_unlogged="))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf("stderr_unlogged=") + 16))).sum();
        assertTrue(shown <= 2L * StderrLines.LINES_PER_SECOND, shown + " lines logged");
        assertEquals(10_000, shown + counted);
    }

    @Test
    void aLastLineWithoutNewlineIsLoggedAtTheEnd() {
        var tail = "no newline".getBytes(StandardCharsets.US_ASCII);
        lines.feed(tail, 0, tail.length);
        lines.end();
        assertEquals(List.of("service=s pid=42 stderr=\"no newline\""), logged);
    }

    @Test
    void controlCharactersAndNewlinesOfAProgramAreEscapedInOneValueALine() {
        var bytes = "a\u001b[2J\r\u0007\u0000b\\nWARN service=x\none\nWARN service=x peer=1.2.3.4 refused=only_from\n"
                .getBytes(StandardCharsets.UTF_8);
        lines.feed(bytes, 0, bytes.length);
        lines.end();
        assertEquals(List.of("service=s pid=42 stderr=\"a\\x1b[2J\\r\\x07\\x00b\\\\nWARN service=x\"",
                "service=s pid=42 stderr=one",
                "service=s pid=42 stderr=\"WARN service=x peer=1.2.3.4 refused=only_from\""), logged);
    }
}
