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
            entry(output, "WARN service=echo peer=127.0.0.1:4711 error=" + LogText.quoted(error) + " duration=0.001s");
            var fields = journal.receiveEntry();
            var field = fields.stream().filter(f -> f.name().equals("JINETD_ERROR")).findFirst().orElseThrow();
            assertTrue(field.binary(), Inbox.shown(fields));
            assertEquals(error, field.text());
            assertEquals("0.001s", only(fields, "JINETD_DURATION"));
            assertEquals("echo", only(fields, "JINETD_SERVICE"));
        }
    }

    @Test
    void aValueWithANewlineIsSentInTheBinaryFormAndJournaldReadsOneFieldOfIt() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            var error = "java.lang.NumberFormatException: For input string: \"x\nPRIORITY=0\nJINETD_SERVICE=x\n\"";
            entry(output, "WARN service=echo peer=127.0.0.1:4711 error=" + LogText.quoted(error) + " duration=0.001s");
            var datagram = journal.receive();
            // The field as the protocol has it: the name, a newline, the length in 64 bits little-endian, the value.
            var value = error.getBytes(StandardCharsets.UTF_8);
            var expected = new ByteArrayOutputStream();
            expected.write("\nJINETD_ERROR\n".getBytes(StandardCharsets.US_ASCII));
            expected.write(new byte[] {(byte) value.length, 0, 0, 0, 0, 0, 0, 0});
            expected.write(value);
            expected.write('\n');
            assertTrue(indexOf(datagram, expected.toByteArray()) >= 0, new String(datagram, StandardCharsets.UTF_8));
            // Read as journald reads it: the newlines in the value make no field of their own.
            var fields = Inbox.fields(datagram);
            assertEquals(List.of("MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "JINETD_SERVICE", "JINETD_PEER",
                    "JINETD_ERROR", "JINETD_DURATION"), fields.stream().map(Inbox.Field::name).toList(), Inbox.shown(fields));
            assertEquals(error, only(fields, "JINETD_ERROR"));
            assertEquals("4", only(fields, "PRIORITY"));
            assertEquals("echo", only(fields, "JINETD_SERVICE"));
            assertFalse(only(fields, "MESSAGE").contains("\n"), "the message is one line");
        }
    }

    private static int indexOf(byte[] in, byte[] part) {
        for (int i = 0; i + part.length <= in.length; i++) {
            if (java.util.Arrays.equals(in, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aStackTraceTheProviderPrintsIsOneQuotedValueOfOneEntry() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            // As slf4j-simple writes an entry with a throwable: println, the trace, one flush.
            var print = new java.io.PrintStream(output.entries(), false, StandardCharsets.UTF_8);
            print.println("WARN service=echo peer=127.0.0.1:4711 failed on its way");
            new NumberFormatException("For input string: \"x\nWARN service=x peer=1.2.3.4 refused=only_from\"")
                    .printStackTrace(print);
            print.flush();
            entry(output, "INFO after");
            var fields = journal.receiveEntry();
            assertTrue(only(fields, "MESSAGE").startsWith("service=echo peer=127.0.0.1:4711 failed on its way trace=\""
                    + "java.lang.NumberFormatException: For input string: \\\"x\\nWARN service=x peer=1.2.3.4 "
                    + "refused=only_from\\\"\\n\\tat "), Inbox.shown(fields));
            assertEquals("echo", only(fields, "JINETD_SERVICE"));
            assertEquals("4", only(fields, "PRIORITY"));
            assertTrue(only(fields, "JINETD_TRACE").startsWith("java.lang.NumberFormatException: For input string: "
                    + "\"x\nWARN service=x peer=1.2.3.4 refused=only_from\"\n\tat "), Inbox.shown(fields));
            assertTrue(fields.stream().noneMatch(f -> f.name().equals("JINETD_REFUSED")), Inbox.shown(fields));
            assertEquals("after", only(journal.receiveEntry(), "MESSAGE"), "the trace made no entry of its own");
        }
    }

    @Test
    void aProgramsStderrCannotForgeAField() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            // A program's stderr line, as the connection log writes it.
            var text = "hello\nPRIORITY=0\nJINETD_SERVICE=x exit=0 service=y peer=\"z";
            entry(output, "INFO service=greet pid=7 stderr=" + LogText.quoted(text));
            var fields = journal.receiveEntry();
            assertEquals("6", only(fields, "PRIORITY"));
            assertEquals("greet", only(fields, "JINETD_SERVICE"));
            assertEquals("7", only(fields, "JINETD_PID"));
            assertEquals("jinetd", only(fields, "SYSLOG_IDENTIFIER"));
            assertEquals("service=greet pid=7 stderr=" + LogText.quoted(text), only(fields, "MESSAGE"));
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
                    + LogText.quoted("x service=forged error=none") + " exception=" + LogText.quoted("java.io.IOException: y"));
            var fields = journal.receiveEntry();
            assertEquals("reverse", only(fields, "JINETD_SERVICE"));
            assertEquals("org.example.Reverse", only(fields, "JINETD_LOGGER"));
            assertTrue(fields.stream().noneMatch(f -> f.name().equals("JINETD_ERROR")), Inbox.shown(fields));
        }
    }

    @Test
    void onTheJournalsStreamAnEntryWithATraceIsOneLineWithItsPriority() throws Exception {
        var output = output(dir.resolve("absent.sock"));
        output.toStderr();
        var print = new java.io.PrintStream(output.entries(), false, StandardCharsets.UTF_8);
        print.println("WARN echo/tcp: connection dropped by a fault");
        new NumberFormatException("For input string: \"x\nWARN service=x peer=1.2.3.4 refused=only_from\"")
                .printStackTrace(print);
        print.flush();
        var lines = stderr().lines().toList();
        assertEquals(1, lines.size(), stderr());
        assertTrue(lines.getFirst().startsWith("<4>WARN echo/tcp: connection dropped by a fault trace=\"java.lang."
                + "NumberFormatException: For input string: \\\"x\\nWARN service=x"), stderr());
    }

    @Test
    void aLongEntryIsCutWithAMarkAndNothingPastTheCutIsAnEntryOfItsOwn() throws Exception {
        try (var journal = new Inbox(dir.resolve("journal.sock"))) {
            var output = output(dir.resolve("journal.sock"));
            output.toJournal();
            var forged = "ERROR service=x peer=1.2.3.4 refused=only_from";
            var head = "INFO service=echo pid=7 stderr=\"";
            // 70 KiB, with an entry of the writer's choosing where a piece of 64 KiB would have ended.
            entry(output, head + "x".repeat(64 * 1024 - head.length() - 1) + "\n" + forged + "\n" + "y".repeat(6 * 1024));
            // The rest of stderr: a line of 70 KiB, the same entry at 64 KiB.
            output.lines().write(("x".repeat(64 * 1024) + forged + "y".repeat(6 * 1024) + "\n").getBytes(
                    StandardCharsets.UTF_8));
            entry(output, "INFO after");
            for (var levelled : List.of(true, false)) {
                var fields = journal.receiveEntry();
                var message = only(fields, "MESSAGE");
                assertTrue(message.endsWith("x [cut at 65536 bytes]"), message.substring(message.length() - 80));
                assertTrue(message.getBytes(StandardCharsets.UTF_8).length <= 64 * 1024, "at most 64 KiB");
                assertEquals("6", only(fields, "PRIORITY"));
                assertEquals(levelled ? List.of("echo") : List.of(), fields.stream()
                        .filter(f -> f.name().equals("JINETD_SERVICE")).map(Inbox.Field::text).toList());
                assertTrue(fields.stream().noneMatch(f -> f.name().equals("JINETD_REFUSED")), Inbox.shown(fields));
            }
            assertEquals("after", only(journal.receiveEntry(), "MESSAGE"), "nothing past the cut made an entry");
            assertEquals("", stderr());
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
