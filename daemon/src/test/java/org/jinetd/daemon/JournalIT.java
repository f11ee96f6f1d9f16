package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Under systemd every line carries its priority, so that {@code journalctl -p warning}
 * finds refusals; only when stderr really is the stream {@code JOURNAL_STREAM} names.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalIT {
    /** As systemd does: JOURNAL_STREAM is the device and inode of the stderr it gives. */
    private static final List<String> AS_JOURNAL = List.of("/bin/sh", "-c",
            "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) && export JOURNAL_STREAM && exec \"$0\" \"$@\"");

    @Test
    void eachLineStartsWithItsPriorityWhenStderrIsTheJournal() throws Exception {
        var table = TestDaemon.write("services: {echo: {bind: 127.0.0.1, handler: echo, only_from: [10.0.0.0/8]}}");
        try (var jinetd = Launched.under(AS_JOURNAL, Map.of(), "run", "-c", table.toString())) {
            jinetd.awaitErr("<6>INFO ready: 1 service listening");
            var port = Integer.parseInt(jinetd.err().replaceAll("(?s).*echo/tcp 127\\.0\\.0\\.1:(\\d+).*", "$1"));
            assertEquals("", Clients.exchange(port, "hi"));
            jinetd.awaitErr("<4>WARN service=echo peer=127.0.0.1:");
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            assertTrue(jinetd.err().lines().allMatch(l -> l.matches("<[3467]>.*")), jinetd.err());
        }
    }

    @Test
    void aStreamThatIsNotStderrGetsNoPrefix() throws Exception {
        var table = TestDaemon.write("services: {echo: {bind: 127.0.0.1, handler: echo}}");
        try (var jinetd = Launched.start(Map.of("JOURNAL_STREAM", "1:1"), "run", "-c", table.toString())) {
            jinetd.awaitErr("INFO ready: 1 service listening");
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            assertTrue(jinetd.err().lines().noneMatch(l -> l.startsWith("<")), jinetd.err());
        }
    }
}
