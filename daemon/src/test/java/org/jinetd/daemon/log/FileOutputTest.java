package org.jinetd.daemon.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log file: appended to, created 0640, opened anew at each reload (logrotate renames, then
 * reloads), and refused, by name, where root could be made to write to another file.
 */
@Timeout(60)
class FileOutputTest {
    /** The owner this test's files have: root's, or the user running the test, trusted as a root daemon trusts root. */
    private static final int OWNER = (int) new com.sun.security.auth.module.UnixSystem().getUid();
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) ";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final LogOutput output = new LogOutput(stderr, false, "/nonexistent/journal", "/nonexistent/log", OWNER);

    private void entry(String text) throws IOException {
        output.entries().write((text + "\n").getBytes(StandardCharsets.UTF_8));
        output.entries().flush();
    }

    private String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file);
    }

    @Test
    void entriesAreAppendedWithTheirTimeToAFileMadeForThem() throws Exception {
        var file = dir.resolve("jinetd.log");
        output.toFile(file);
        entry("INFO service=echo peer=127.0.0.1:4711 exit=0");
        entry("WARN service=echo peer=192.0.2.7:4711 refused=only_from");
        var lines = lines(file);
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches(TIME + "INFO service=echo peer=127\\.0\\.0\\.1:4711 exit=0"), lines::toString);
        assertTrue(lines.get(1).matches(TIME + "WARN service=echo peer=192\\.0\\.2\\.7:4711 refused=only_from"),
                lines::toString);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(stderr().matches(TIME + "INFO log: to " + file + " from now on\n"), stderr());
        assertEquals(file.toString(), output.place());
    }

    @Test
    void anExceptionsTextAndAProgramsControlCharactersAreEscapedInOneLine() throws Exception {
        var file = dir.resolve("jinetd.log");
        output.toFile(file);
        // As slf4j-simple writes an entry with a throwable: println, the trace, one flush.
        var print = new java.io.PrintStream(output.entries(), false, StandardCharsets.UTF_8);
        print.println("WARN echo/tcp: connection dropped by a fault");
        new NumberFormatException("For input string: \"x\nWARN service=x peer=1.2.3.4 refused=only_from\"")
                .printStackTrace(print);
        print.flush();
        entry("INFO service=greet pid=7 stderr=" + LogText.quoted("a\u001b[2J\r\u0007\u0000b\\nWARN service=x"));
        var lines = lines(file);
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches(TIME + java.util.regex.Pattern.quote("WARN echo/tcp: connection dropped by a fault "
                + "trace=\"java.lang.NumberFormatException: For input string: \\\"x\\nWARN service=x peer=1.2.3.4 "
                + "refused=only_from\\\"\\n\\tat ") + ".*\""), lines::toString);
        assertTrue(lines.get(1).matches(TIME + java.util.regex.Pattern.quote(
                "INFO service=greet pid=7 stderr=\"a\\x1b[2J\\r\\x07\\x00b\\\\nWARN service=x\"")), lines::toString);
        assertTrue(Files.readString(file).chars().noneMatch(c -> c < ' ' && c != '\n'), "a control character in the file");
    }

    @Test
    void onStderrTooAnEntryWithATraceIsOneLine() throws Exception {
        var print = new java.io.PrintStream(output.entries(), false, StandardCharsets.UTF_8);
        print.println("WARN echo/tcp: connection dropped by a fault");
        new NumberFormatException("For input string: \"x\nWARN service=x peer=1.2.3.4 refused=only_from\"")
                .printStackTrace(print);
        print.flush();
        var lines = stderr().lines().toList();
        assertEquals(1, lines.size(), stderr());
        assertTrue(lines.getFirst().matches(TIME + java.util.regex.Pattern.quote("WARN echo/tcp: connection dropped by "
                + "a fault trace=\"java.lang.NumberFormatException: For input string: \\\"x\\nWARN service=x") + ".*"),
                stderr());
    }

    @Test
    void aLongEntryIsOneLineCutWithAMark() throws Exception {
        var file = dir.resolve("jinetd.log");
        output.toFile(file);
        // 70 KiB, with an entry of the writer's choosing where a piece of 64 KiB would have ended.
        var head = "WARN service=echo error=\"";
        var forged = "\nERROR service=x peer=1.2.3.4 refused=only_from\n";
        entry(head + "x".repeat(64 * 1024 - 1 - head.length()) + forged + "y".repeat(6 * 1024));
        entry("INFO after");
        var lines = lines(file);
        assertEquals(2, lines.size(), () -> lines.stream().map(l -> l.substring(0, Math.min(l.length(), 80))).toList()
                .toString());
        assertTrue(lines.get(0).matches(TIME + "WARN service=echo error=\"x+ \\[cut at 65536 bytes\\]"),
                lines.get(0).substring(0, 80));
        assertTrue(lines.get(1).matches(TIME + "INFO after"), lines.get(1));
    }

    @Test
    void aFileThatIsThereIsAppendedTo() throws Exception {
        var file = Files.writeString(dir.resolve("jinetd.log"), "an earlier line\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        output.toFile(file);
        entry("INFO ready: 1 service listening");
        var lines = lines(file);
        assertEquals("an earlier line", lines.get(0));
        assertTrue(lines.get(1).endsWith(" INFO ready: 1 service listening"), lines::toString);
    }

    @Test
    void openingTheFileAgainAfterARenameStartsTheNextOne() throws Exception {
        var file = dir.resolve("jinetd.log");
        var rotated = dir.resolve("jinetd.log.1");
        output.toFile(file);
        entry("INFO first");
        Files.move(file, rotated);
        entry("INFO second, still to the file opened");
        output.toFile(file);
        entry("INFO third");
        assertEquals(2, lines(rotated).size());
        assertTrue(lines(rotated).get(1).endsWith(" INFO second, still to the file opened"));
        assertEquals(1, lines(file).size(), () -> "the reopen is no move: no note in the file");
        assertTrue(lines(file).get(0).endsWith(" INFO third"));
        assertEquals(1, stderr().lines().count(), stderr());
    }

    @Test
    void movingToAnotherPlaceLeavesANoteInTheOldOne() throws Exception {
        var file = dir.resolve("jinetd.log");
        output.toFile(file);
        entry("INFO to the file");
        output.toStderr();
        entry("INFO to stderr");
        var lines = lines(file);
        assertTrue(lines.get(1).endsWith(" INFO log: to stderr from now on"), lines::toString);
        assertTrue(stderr().endsWith(" INFO to stderr\n"), stderr());
    }

    /** What the output says when it refuses {@code file}, and that the entry after it went to stderr. */
    private String refusal(Path file) throws IOException {
        output.toFile(file);
        entry("INFO after the refusal");
        var lines = stderr().lines().toList();
        assertEquals(2, lines.size(), stderr());
        assertTrue(lines.get(1).endsWith(" INFO after the refusal"), stderr());
        return lines.get(0).replaceFirst("^\\S+ ", "").replace(dir.toString(), "DIR");
    }

    @Test
    void aSymlinkIsRefusedAndWhatItNamesIsNotTouched() throws Exception {
        var target = Files.writeString(dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        var link = Files.createSymbolicLink(dir.resolve("jinetd.log"), target);
        assertEquals("WARN log: cannot write to DIR/jinetd.log: a symlink; the log goes to stderr", refusal(link));
        assertEquals("root:x:0:0::/root:/bin/sh\n", Files.readString(target));
    }

    @Test
    void aFileTheGroupOrOthersMayWriteIsRefused() throws Exception {
        var file = Files.createFile(dir.resolve("jinetd.log"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        assertEquals("WARN log: cannot write to DIR/jinetd.log: not trusted: mode 0660: group-writable; the log goes to "
                + "stderr", refusal(file));
        assertEquals(0, Files.size(file));
    }

    @Test
    void aFileWithASecondLinkIsRefused() throws Exception {
        var file = Files.createFile(dir.resolve("shadow"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        var link = Files.createLink(dir.resolve("jinetd.log"), file);
        assertEquals("WARN log: cannot write to DIR/jinetd.log: not trusted: it has 2 links; the log goes to stderr",
                refusal(link));
        assertEquals(0, Files.size(file));
    }

    @Test
    void aDirectorySwappedForASymlinkIsRefusedAtTheNextOpen() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var logs = Files.createDirectory(dir.resolve("logs"));
        var file = logs.resolve("jinetd.log");
        output.toFile(file);
        entry("INFO to the file");
        // Whoever could rename the directory puts a link to another in its place; a reload opens the file again.
        var elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.move(logs, dir.resolve("logs.old"));
        Files.createSymbolicLink(logs, elsewhere);
        output.toFile(file);
        entry("INFO after the refusal");
        assertTrue(stderr().contains("WARN log: cannot write to " + file + ": directory " + logs + " is a symlink; the log "
                + "goes to stderr"), stderr());
        assertTrue(stderr().endsWith(" INFO after the refusal\n"), stderr());
        assertEquals("stderr", output.place());
        assertTrue(Files.notExists(elsewhere.resolve("jinetd.log")), "the file was made where the link leads");
    }

    @Test
    void aDirectoryOthersMayWriteIsRefusedByName() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(("WARN log: cannot write to DIR/jinetd.log: not trusted: directory DIR is owned by uid %d (%s), mode "
                + "0777: group- and other-writable without the sticky bit, so anyone may put another file or directory in "
                + "the log's place; the log goes to stderr").formatted(OWNER, System.getProperty("user.name")),
                refusal(dir.resolve("jinetd.log")));
        assertTrue(Files.notExists(dir.resolve("jinetd.log")));
    }

    @Test
    void aFifoIsRefusedWithoutWaitingForAReader() throws Exception {
        var fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        assertEquals("WARN log: cannot write to DIR/fifo: not a regular file; the log goes to stderr",
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refusal(fifo)));
    }

    @Test
    void aDirectoryIsRefused() throws Exception {
        var sub = Files.createDirectory(dir.resolve("sub"));
        assertEquals("WARN log: cannot write to DIR/sub: Is a directory; the log goes to stderr", refusal(sub));
    }

    @Test
    void aFileOfAnotherOwnerIsRefused() throws Exception {
        var file = Files.createFile(dir.resolve("jinetd.log"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        int trusted = OWNER + 1;
        if (OWNER == 0) {
            // Root gives the file away; a root daemon trusts root alone.
            Files.setAttribute(file, "unix:uid", 65534);
            trusted = 0;
        }
        var other = new LogOutput(stderr, false, "/nonexistent/journal", "/nonexistent/log", trusted);
        other.toFile(file);
        var expected = OWNER == 0 ? "owned by uid 65534, not root" : "owned by uid " + OWNER + ", not root or uid " + trusted;
        assertTrue(stderr().contains("cannot write to " + file + ": not trusted: " + expected), stderr());
        assertEquals("stderr", other.place());
    }
}
