package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import org.jinetd.daemon.log.Inbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under systemd (when stderr really is the stream {@code JOURNAL_STREAM} names) each entry
 * goes to journald's socket with its priority and fields, or, where that socket is not
 * there, to stderr with its priority in front; so that {@code journalctl -p warning} finds
 * refusals either way. journald's socket is a test's own here: nothing depends on a real
 * journald.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalIT {
    @TempDir
    Path dir;

    /** The launcher's JVM looks for journald's socket at {@code socket}. */
    private static Map<String, String> journalAt(Path socket) {
        return Map.of("JINETD_JAVA_OPTS", "-Djinetd.journal.socket=" + socket);
    }

    /** As systemd does: JOURNAL_STREAM is the device and inode of the stderr it gives. */
    private static final List<String> AS_JOURNAL = List.of("/bin/sh", "-c",
            "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) && export JOURNAL_STREAM && exec \"$0\" \"$@\"");

    @Test
    void eachEntryGoesToTheJournalWithItsFieldsAndNoProgramCanForgeOne() throws Exception {
        int echo = TestDaemon.freePort();
        int greet = TestDaemon.freePort();
        var table = TestDaemon.write("""
                services:
                  echo: {bind: 127.0.0.1, port: %d, handler: echo, only_from: [10.0.0.0/8]}
                  greet:
                    bind: 127.0.0.1
                    port: %d
                    exec: [/bin/sh, -c, 'printf "hello\\nPRIORITY=0\\nJINETD_SERVICE=x service=y\\n" >&2; echo hi']
                """.formatted(echo, greet));
        try (var journal = new Inbox(dir.resolve("journal.sock"));
             var jinetd = Launched.under(AS_JOURNAL, journalAt(dir.resolve("journal.sock")), "run", "-c",
                     table.toString())) {
            var ready = next(journal, "ready:");
            assertEquals("6", Inbox.only(ready, "PRIORITY"));
            assertEquals("jinetd", Inbox.only(ready, "SYSLOG_IDENTIFIER"));

            assertEquals("", Clients.exchange(echo, "hi"));
            var refused = next(journal, "refused=");
            assertEquals("4", Inbox.only(refused, "PRIORITY"));
            assertEquals("echo", Inbox.only(refused, "JINETD_SERVICE"));
            assertEquals("only_from", Inbox.only(refused, "JINETD_REFUSED"));
            assertTrue(Inbox.only(refused, "JINETD_PEER").startsWith("127.0.0.1:"), Inbox.shown(refused));

            assertEquals("hi\n", Clients.exchange(greet, ""));
            // The program's three stderr lines and its end, in whatever order the two arrive.
            var seen = new java.util.ArrayList<List<Inbox.Field>>();
            java.util.function.Predicate<List<Inbox.Field>> isEnd = e -> Inbox.only(e, "MESSAGE").contains(" exit=");
            java.util.function.Predicate<List<Inbox.Field>> isStderr = e -> Inbox.only(e, "MESSAGE").contains(" stderr=");
            // The daemon's own notes between them (a spawner ready, as root) are not the program's.
            while (seen.stream().noneMatch(isEnd) || seen.stream().filter(isStderr).count() < 3) {
                var entry = journal.receiveEntry();
                if (isEnd.test(entry) || isStderr.test(entry)) {
                    seen.add(entry);
                }
            }
            var ended = seen.stream().filter(isEnd).findFirst().orElseThrow();
            assertEquals("0", Inbox.only(ended, "JINETD_EXIT"));
            var stderrLines = seen.stream().filter(isStderr).toList();
            assertEquals(3, stderrLines.size(), seen.toString());
            for (var entry : seen) {
                assertEquals("6", Inbox.only(entry, "PRIORITY"), Inbox.shown(entry));
                assertEquals("greet", Inbox.only(entry, "JINETD_SERVICE"), Inbox.shown(entry));
            }
            assertTrue(Inbox.only(stderrLines.get(1), "MESSAGE").endsWith(" stderr=\"PRIORITY=0\""),
                    Inbox.shown(stderrLines.get(1)));

            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            assertTrue(jinetd.err().lines().noneMatch(l -> l.contains("service=")), jinetd.err());
        }
    }

    /** The next entry whose message contains {@code text}; the ones before it are skipped. */
    private static List<Inbox.Field> next(Inbox journal, String text) throws Exception {
        while (true) {
            var entry = journal.receiveEntry();
            if (Inbox.only(entry, "MESSAGE").contains(text)) {
                return entry;
            }
        }
    }

    @Test
    void withoutJournaldsSocketEachLineStartsWithItsPriority() throws Exception {
        var table = TestDaemon.write("services: {echo: {bind: 127.0.0.1, handler: echo, only_from: [10.0.0.0/8]}}");
        try (var jinetd = Launched.under(AS_JOURNAL, journalAt(dir.resolve("absent.sock")), "run", "-c",
                table.toString())) {
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
