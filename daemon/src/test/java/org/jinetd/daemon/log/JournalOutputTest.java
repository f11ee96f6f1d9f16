package org.jinetd.daemon.log;

import static org.jinetd.daemon.log.Inbox.only;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jinetd.daemon.os.AppendFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal, natively: each entry one datagram to journald's socket (here a test's own),
 * with its priority and the fields of its key=value pairs; nothing a program or a client
 * writes becomes a field of its own.
 */
@Timeout(60)
class JournalOutputTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private LogOutput output(Path socket) {
        return new LogOutput(stderr, true, socket.toString(), dir.resolve("no-syslog").toString(), AppendFile.ANY);
    }

    /** As the log provider writes an entry: the text, a newline, a flush. */
    private static void entry(LogOutput output, String text) throws IOException {
        OutputStream out = output.entries();
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aConnectionLineIsAnEntryWithItsFields() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            entry(output, "INFO service=echo peer=127.0.0.1:4711 pid=42 exit=0 duration=0.002s");
            var fields = journal.receiveEntry();
            assertEquals("service=echo peer=127.0.0.1:4711 pid=42 exit=0 duration=0.002s", only(fields, "MESSAGE"));
            assertEquals("6", only(fields, "PRIORITY"));
            assertEquals("jinetd", only(fields, "SYSLOG_IDENTIFIER"));
            assertEquals("echo", only(fields, "JINETD_SERVICE"));
            assertEquals("127.0.0.1:4711", only(fields, "JINETD_PEER"));
            assertEquals("42", only(fields, "JINETD_PID"));
            assertEquals("0", only(fields, "JINETD_EXIT"));
            assertEquals("0.002s", only(fields, "JINETD_DURATION"));
            assertEquals(8, fields.size(), Inbox.shown(fields));
            assertEquals("", stderr());
        }
    }

    @Test
    void thePriorityIsTheLevelsAndALineWithoutOneKeepsTheLast() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            entry(output, "WARN service=echo peer=192.0.2.7:4711 refused=only_from");
            var refused = journal.receiveEntry();
            assertEquals("4", only(refused, "PRIORITY"));
            assertEquals("only_from", only(refused, "JINETD_REFUSED"));
            entry(output, "ERROR reaper: stopped");
            assertEquals("3", only(journal.receiveEntry(), "PRIORITY"));
            entry(output, "DEBUG something small");
            assertEquals("7", only(journal.receiveEntry(), "PRIORITY"));
            output.lines().write("a line of some command's own\n".getBytes(StandardCharsets.UTF_8));
            var plain = journal.receiveEntry();
            assertEquals("a line of some command's own", only(plain, "MESSAGE"));
            assertEquals("7", only(plain, "PRIORITY"));
        }
    }

    @Test
    void aQuotedValueIsReadWholeAndANewlineInItTakesTheBinaryForm() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            var error = "spawn failed: \"no\" such file = x\nsecond line \\ end";
            entry(output, "WARN service=echo peer=127.0.0.1:4711 error=" + Peers.quoted(error) + " duration=0.001s");
            var fields = journal.receiveEntry();
            var field = fields.stream().filter(f -> f.name().equals("JINETD_ERROR")).findFirst().orElseThrow();
            assertTrue(field.binary(), Inbox.shown(fields));
            assertEquals(error, field.text());
            assertEquals("0.001s", only(fields, "JINETD_DURATION"));
            assertEquals("echo", only(fields, "JINETD_SERVICE"));
        }
    }

    @Test
    void theBinaryFormIsTheNameANewlineTheLengthLittleEndianAndTheValue() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            entry(output, "WARN echo/tcp: connection dropped by a fault\njava.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)");
            var datagram = journal.receive();
            var message = "echo/tcp: connection dropped by a fault\njava.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)";
            var bytes = message.getBytes(StandardCharsets.UTF_8);
            var expected = new ByteArrayOutputStream();
            expected.write("MESSAGE\n".getBytes(StandardCharsets.US_ASCII));
            expected.write(new byte[] {(byte) bytes.length, (byte) (bytes.length >>> 8), 0, 0, 0, 0, 0, 0});
            expected.write(bytes);
            expected.write('\n');
            var head = java.util.Arrays.copyOf(datagram, expected.size());
            assertArrayEquals(expected.toByteArray(), head, new String(datagram, StandardCharsets.UTF_8));
            assertEquals("4", only(Inbox.fields(datagram), "PRIORITY"));
        }
    }

    @Test
    void aStackTraceIsOneEntryWithItsFirstLinesFields() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            // As slf4j-simple writes an entry with a throwable: println, the trace, one flush.
            var print = new java.io.PrintStream(output.entries(), false, StandardCharsets.UTF_8);
            print.println("WARN service=echo peer=127.0.0.1:4711 failed on its way");
            new IllegalStateException("boom service=forged").printStackTrace(print);
            print.flush();
            var fields = journal.receiveEntry();
            assertTrue(only(fields, "MESSAGE").startsWith("service=echo peer=127.0.0.1:4711 failed on its way\n"
                    + "java.lang.IllegalStateException: boom service=forged\n\tat "), Inbox.shown(fields));
            assertEquals("echo", only(fields, "JINETD_SERVICE"));
            assertEquals("4", only(fields, "PRIORITY"));
        }
    }

    @Test
    void aProgramsStderrCannotForgeAField() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            // A program's stderr line, as the connection log writes it.
            var text = "hello\nPRIORITY=0\nJINETD_SERVICE=x exit=0 service=y peer=\"z";
            entry(output, "INFO service=greet pid=7 stderr=" + Peers.quoted(text));
            var fields = journal.receiveEntry();
            assertEquals("6", only(fields, "PRIORITY"));
            assertEquals("greet", only(fields, "JINETD_SERVICE"));
            assertEquals("7", only(fields, "JINETD_PID"));
            assertEquals("jinetd", only(fields, "SYSLOG_IDENTIFIER"));
            assertEquals("service=greet pid=7 stderr=" + Peers.quoted(text), only(fields, "MESSAGE"));
            assertEquals(List.of("MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "JINETD_SERVICE", "JINETD_PID"),
                    fields.stream().map(Inbox.Field::name).toList());

            // Its raw bytes, newlines and all, on stderr: each line an entry of its own, none a field.
            output.lines().write(("INFO service=greet pid=7 stderr=\"" + text + "\"\n").getBytes(StandardCharsets.UTF_8));
            for (var expected : List.of("service=greet pid=7 stderr=\"hello", "PRIORITY=0",
                    "JINETD_SERVICE=x exit=0 service=y peer=\"z\"")) {
                var line = journal.receiveEntry();
                assertEquals("6", only(line, "PRIORITY"), Inbox.shown(line));
                assertTrue(line.stream().noneMatch(f -> f.name().equals("JINETD_EXIT")), Inbox.shown(line));
                assertTrue(only(line, "MESSAGE").endsWith(expected), Inbox.shown(line));
            }
        }
    }

    @Test
    void aHandlersOwnLineNamesItsLoggerAndItsTextForgesNothing() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            entry(output, "WARN service=reverse peer=127.0.0.1:4711 logger=org.example.Reverse log="
                    + Peers.quoted("x service=forged error=none") + " exception=" + Peers.quoted("java.io.IOException: y"));
            var fields = journal.receiveEntry();
            assertEquals("reverse", only(fields, "JINETD_SERVICE"));
            assertEquals("org.example.Reverse", only(fields, "JINETD_LOGGER"));
            assertTrue(fields.stream().noneMatch(f -> f.name().equals("JINETD_ERROR")), Inbox.shown(fields));
        }
    }

    @Test
    void aLongLineArrivesWholeInPiecesOfAtMost64KiB() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            var text = "x".repeat(100 * 1024);
            entry(output, "INFO service=echo stderr=" + text);
            var first = only(journal.receiveEntry(), "MESSAGE");
            var second = only(journal.receiveEntry(), "MESSAGE");
            assertEquals("service=echo stderr=" + text, first + second);
            assertEquals(64 * 1024 - "INFO ".length(), first.length());
        }
    }

    @Test
    void aJournalThatIsNotThereGetsItsEntriesOnStderrWithOneWarningUntilItIs() throws Exception {
        var socket = dir.resolve("journal.sock");
        var output = output(socket);
        output.toJournal();
        for (int i = 0; i < 3; i++) {
            entry(output, "INFO service=echo peer=127.0.0.1:" + i + " exit=0");
        }
        var lines = stderr().lines().toList();
        assertEquals(List.of("<4>WARN log: cannot write to the journal: No such file or directory; entries go to stderr "
                + "until it takes them again", "<6>INFO service=echo peer=127.0.0.1:0 exit=0",
                "<6>INFO service=echo peer=127.0.0.1:1 exit=0", "<6>INFO service=echo peer=127.0.0.1:2 exit=0"), lines);
        try (var journal = new Inbox(socket)) {
            entry(output, "INFO service=echo peer=127.0.0.1:3 exit=0");
            assertEquals("127.0.0.1:3", only(journal.receiveEntry(), "JINETD_PEER"));
            assertTrue(stderr().endsWith("<6>INFO log: the journal takes entries again; 3 went to stderr meanwhile\n"),
                    stderr());
        }
    }

    @Test
    void byDefaultTheJournalIsUsedWhenStderrIsItsStreamAndItsSocketIsThere() throws Exception {
        var socket = dir.resolve("journal.sock");
        var output = output(socket);
        output.toDefault();
        entry(output, "INFO ready: 1 service listening");
        assertEquals("<6>INFO ready: 1 service listening\n", stderr());
        try (var journal = new Inbox(socket)) {
            output.toDefault();
            entry(output, "INFO ready: 1 service listening");
            assertEquals("ready: 1 service listening", only(journal.receiveEntry(), "MESSAGE"));
            assertEquals("<6>INFO ready: 1 service listening\n", stderr(), "the journal is the same place: no note");

            var notUnderSystemd = new LogOutput(stderr, false, socket.toString(), "/dev/null", AppendFile.ANY);
            notUnderSystemd.toDefault();
            assertEquals("stderr", notUnderSystemd.place());
        }
    }

    @Test
    void stderrIsTheJournalsOnlyWhenJournalStreamNamesIt() {
        assertFalse(LogOutput.stderrIsJournal(Map.of()));
        assertFalse(LogOutput.stderrIsJournal(Map.of("JOURNAL_STREAM", "1:1")));
        assertFalse(LogOutput.stderrIsJournal(Map.of("JOURNAL_STREAM", "../../x")));
    }
}
