package org.jinetd.daemon.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jinetd.daemon.os.AppendFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Syslog as xinetd writes it: RFC 3164 datagrams to /dev/log (here a test's own socket), facility daemon. */
@Timeout(60)
class SyslogOutputTest {
    /** {@code <PRI>Mmm dd hh:mm:ss jinetd[PID]: }, the day padded with a space as syslog(3) writes it. */
    private static final String HEAD = "<%d>[A-Z][a-z]{2} [ 123]\\d \\d\\d:\\d\\d:\\d\\d jinetd\\["
            + ProcessHandle.current().pid() + "\\]: ";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private LogOutput output(Path socket) {
        return new LogOutput(stderr, false, dir.resolve("no-journal").toString(), socket.toString(), AppendFile.ANY);
    }

    private static void entry(LogOutput output, String text) throws IOException {
        output.entries().write((text + "\n").getBytes(StandardCharsets.UTF_8));
        output.entries().flush();
    }

    private String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachEntryIsADatagramWithFacilityDaemonTheLevelsSeverityAndThePid() throws Exception {
        try (var syslog = new Inbox(dir.resolve("log"))) {
            var output = output(dir.resolve("log"));
            output.toSyslog();
            entry(output, "INFO service=echo peer=127.0.0.1:4711 exit=0 duration=0.001s");
            var info = syslog.receiveText();
            assertTrue(info.matches(HEAD.formatted(30) + "service=echo peer=127\\.0\\.0\\.1:4711 exit=0 duration=0\\.001s"),
                    info);
            entry(output, "WARN service=echo peer=192.0.2.7:4711 refused=only_from");
            var warn = syslog.receiveText();
            assertTrue(warn.matches(HEAD.formatted(28) + "service=echo peer=192\\.0\\.2\\.7:4711 refused=only_from"), warn);
            entry(output, "ERROR reaper: stopped");
            var error = syslog.receiveText();
            assertTrue(error.matches(HEAD.formatted(27) + "reaper: stopped"), error);
            assertTrue(stderr().matches("\\S+ INFO log: to syslog \\(" + dir.resolve("log") + "\\) from now on\n"), stderr());
        }
    }

    @Test
    void anEntryWithAStackTraceIsOneDatagramAndForgesNone() throws Exception {
        try (var syslog = new Inbox(dir.resolve("log"))) {
            var output = output(dir.resolve("log"));
            output.toSyslog();
            // As slf4j-simple writes an entry with a throwable: println, the trace, one flush.
            var print = new java.io.PrintStream(output.entries(), false, StandardCharsets.UTF_8);
            print.println("WARN echo/tcp: connection dropped by a fault");
            new NumberFormatException("For input string: \"x\nWARN service=x peer=1.2.3.4 refused=only_from\"")
                    .printStackTrace(print);
            print.flush();
            entry(output, "INFO after");
            var datagram = syslog.receiveText();
            assertTrue(datagram.matches(HEAD.formatted(28) + java.util.regex.Pattern.quote(
                    "echo/tcp: connection dropped by a fault trace=\"java.lang.NumberFormatException: For input string: "
                    + "\\\"x\\nWARN service=x peer=1.2.3.4 refused=only_from\\\"\\n\\tat ") + ".*\""), datagram);
            assertTrue(datagram.chars().noneMatch(c -> c < ' '), "no control character: " + datagram);
            assertTrue(syslog.receiveText().matches(HEAD.formatted(30) + "after"), "the trace made no datagram of its own");
        }
    }

    @Test
    void aProgramsControlCharactersAndALongEntryReachSyslogEscapedAndCut() throws Exception {
        try (var syslog = new Inbox(dir.resolve("log"))) {
            var output = output(dir.resolve("log"));
            output.toSyslog();
            var text = "a\u001b[2J\r\u0007\u0000b\\nWARN service=x";
            entry(output, "INFO service=greet pid=7 stderr=" + LogText.quoted(text));
            assertTrue(syslog.receiveText().matches(HEAD.formatted(30) + java.util.regex.Pattern.quote(
                    "service=greet pid=7 stderr=\"a\\x1b[2J\\r\\x07\\x00b\\\\nWARN service=x\"")));
            // 70 KiB, with an entry of the writer's choosing where a piece of 64 KiB would have ended.
            var head = "WARN service=echo error=\"";
            var forged = "\nERROR service=x peer=1.2.3.4 refused=only_from\n";
            entry(output, head + "x".repeat(64 * 1024 - 1 - head.length()) + forged + "y".repeat(6 * 1024));
            entry(output, "INFO after");
            var cut = syslog.receiveText();
            assertTrue(cut.matches(HEAD.formatted(28) + "service=echo error=\"x+"
                    + java.util.regex.Pattern.quote(" [cut at 65536 bytes]")), cut.substring(0, 100));
            assertTrue(syslog.receiveText().matches(HEAD.formatted(30) + "after"), "nothing past the cut made an entry");
        }
    }

    @Test
    void withoutASyslogDaemonEntriesGoToStderrWithOneWarning() throws Exception {
        var output = output(dir.resolve("log"));
        output.toSyslog();
        for (int i = 0; i < 3; i++) {
            entry(output, "INFO service=echo peer=127.0.0.1:" + i + " exit=0");
        }
        var lines = stderr().lines().toList();
        assertEquals(5, lines.size(), stderr());
        assertTrue(lines.get(0).endsWith(" INFO log: to syslog (" + dir.resolve("log") + ") from now on"), stderr());
        assertTrue(lines.get(1).endsWith(" WARN log: cannot write to syslog (" + dir.resolve("log")
                + "): No such file or directory; entries go to stderr until it takes them again"), stderr());
        for (int i = 0; i < 3; i++) {
            assertTrue(lines.get(2 + i).endsWith(" INFO service=echo peer=127.0.0.1:" + i + " exit=0"), stderr());
        }
    }

    @Test
    void aSocketThatIsNoDatagramSocketIsAFailureNotAWait() throws Exception {
        var path = dir.resolve("log");
        try (var stream = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            stream.bind(java.net.UnixDomainSocketAddress.of(path));
            var output = output(path);
            output.toSyslog();
            entry(output, "INFO service=echo peer=127.0.0.1:1 exit=0");
            assertTrue(stderr().contains(" WARN log: cannot write to syslog (" + path + "): not a datagram socket;"),
                    stderr());
            assertTrue(stderr().endsWith(" INFO service=echo peer=127.0.0.1:1 exit=0\n"), stderr());
        }
    }
}
