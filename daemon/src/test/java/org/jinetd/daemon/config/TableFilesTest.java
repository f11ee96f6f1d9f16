package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files a table names are regular files of bounded size, read with a deadline, and (for
 * a root daemon) trusted; a FIFO or a device never blocks the reader.
 */
@Timeout(60)
class TableFilesTest {
    @TempDir
    Path dir;

    private Loaded load(Path file, int selfUid) {
        return new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), selfUid).read(file);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** Each problem as shown, the temp dir's path cut to "DIR". */
    private List<String> problems(Path file, int selfUid) {
        var loaded = load(file, selfUid);
        return assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream()
                .map(p -> p.toString().replace(dir.toString(), "DIR")).toList();
    }

    private Path fifo(String name) throws Exception {
        var fifo = dir.resolve(name);
        var mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        return fifo;
    }

    @Test
    void aFifoAsTheTableIsRefusedWithoutOpeningIt() throws Exception {
        var fifo = fifo("services.yaml");
        assertEquals(List.of("DIR/services.yaml:1:1: cannot read: not a regular file: a FIFO (expected a readable "
                + "regular file of at most 1 MiB)"), assertTimeoutPreemptively(Duration.ofSeconds(10), () -> problems(fifo, 0)));
    }

    @Test
    void anIncludedDeviceFifoOrDirectoryIsRefusedByName() throws Exception {
        fifo("fifo.yaml");
        Files.createDirectory(dir.resolve("sub.yaml"));
        var table = write("services.yaml", "include: [/dev/zero, fifo.yaml, sub.yaml]\nservices: {}\n");
        assertEquals(List.of(
                "/dev/zero:1:1: cannot read: not a regular file: a character device (expected a readable regular file of at most 1 MiB)",
                "DIR/fifo.yaml:1:1: cannot read: not a regular file: a FIFO (expected a readable regular file of at most 1 MiB)",
                "DIR/services.yaml:1:33: include 'sub.yaml' is a directory (expected a file, or a glob of its files: "
                        + "include: ['sub.yaml/*.yaml'])"),
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> problems(table, 1000)));
    }

    /** {@code include: [conf.d]} means the files in it: said at the include, with the glob to write. */
    @Test
    void anIncludedDirectoryIsReportedAtItsIncludeWithTheGlobToWrite() throws Exception {
        Files.createDirectory(dir.resolve("conf.d"));
        write("conf.d/a.yaml", "services: {}\n");
        var table = write("services.yaml", "include:\n  - conf.d\n  - conf.d//\n  - ./conf.d/a.yaml\nservices: {}\n");
        assertEquals(List.of(
                "DIR/services.yaml:2:5: include 'conf.d' is a directory (expected a file, or a glob of its files: "
                        + "include: ['conf.d/*.yaml'])",
                "DIR/services.yaml:3:5: include 'conf.d//' is a directory (expected a file, or a glob of its files: "
                        + "include: ['conf.d/*.yaml'])"), problems(table, 0));
    }

    /** {@code -c /etc/jinetd}: the table is the file in it. */
    @Test
    void aTableThatIsADirectoryNamesTheFileInIt() throws Exception {
        assertEquals(List.of("DIR:1:1: cannot read: it is a directory (expected a table's file, not a directory)"),
                problems(dir, 0));
        write("services.yaml", "services: {}\n");
        assertEquals(List.of("DIR:1:1: cannot read: it is a directory (expected a table's file, such as "
                + "DIR/services.yaml)"), problems(dir, 0));
    }

    @Test
    void aFifoThatAGlobMatchesIsRefusedToo() throws Exception {
        Files.createDirectory(dir.resolve("conf.d"));
        var mkfifo = new ProcessBuilder("mkfifo", dir.resolve("conf.d/x.yaml").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        var table = write("services.yaml", "include: [conf.d/*.yaml]\nservices: {}\n");
        assertEquals(List.of("DIR/conf.d/x.yaml:1:1: cannot read: not a regular file: a FIFO (expected a readable "
                + "regular file of at most 1 MiB)"), assertTimeoutPreemptively(Duration.ofSeconds(10), () -> problems(table, 0)));
    }

    @Test
    void aTableLargerThanOneMebibyteIsRefused() throws IOException {
        var table = write("services.yaml", "services: {}\n" + "#".repeat(SmallFile.TABLE_CAP) + "\n");
        assertEquals(List.of("DIR/services.yaml:1:1: cannot read: too large: 1048590 bytes, more than 1 MiB "
                + "(expected a readable regular file of at most 1 MiB)"), problems(table, 0));
    }

    @Test
    void aBannerFileIsRegularAndAtMost64KiB() throws Exception {
        write("big.txt", "x".repeat(SmallFile.BANNER_CAP + 1));
        write("ok.txt", "x".repeat(SmallFile.BANNER_CAP));
        fifo("fifo.txt");
        var table = write("services.yaml", """
                services:
                  a: {bind: 127.0.0.1, port: 7101, handler: echo, banner: {file: %1$s/big.txt}}
                  b: {bind: 127.0.0.1, port: 7102, handler: echo, banner: {file: %1$s/fifo.txt}}
                  c: {bind: 127.0.0.1, port: 7103, handler: echo, banner: {file: %1$s/ok.txt}}
                """.formatted(dir));
        assertEquals(List.of(
                "DIR/services.yaml:2:66: cannot read 'DIR/big.txt': too large: 65537 bytes, more than 64 KiB "
                        + "(expected a readable regular UTF-8 file of at most 64 KiB)",
                "DIR/services.yaml:3:66: cannot read 'DIR/fifo.txt': not a regular file: a FIFO "
                        + "(expected a readable regular UTF-8 file of at most 64 KiB)"),
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> problems(table, 0)));
    }

    @Test
    void aReadThatNeverAnswersEndsAtTheDeadline() throws Exception {
        // A FIFO without a writer blocks its open: what a file swapped after its check, or a
        // dead network file system, would do.
        var fifo = fifo("stuck");
        var e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> SmallFile.within(fifo, 100, Duration.ofMillis(300))));
        assertEquals("no answer within 300ms", e.getMessage());
        // Let the abandoned reader go.
        try (var writer = Files.newOutputStream(fifo)) {
            writer.write('x');
        }
    }

    @Test
    void anUntrustedIncludeIsRefusedByNameOwnerAndMode() throws IOException {
        var include = write("x.yaml", "services: {}\n");
        Files.setPosixFilePermissions(include, PosixFilePermissions.fromString("rw-rw-r--"));
        var table = write("services.yaml", "include: [x.yaml]\nservices: {}\n");
        assertEquals(List.of("DIR/x.yaml:1:1: not trusted: owned by uid 0 (root), mode 0664: group-writable "
                + "(expected owned by root, writable by root only; fix with chown root:root and chmod go-w)"),
                problems(table, 0));
        // A daemon that is not root runs nothing its user could not: a developer's umask 002 is fine.
        assertInstanceOf(Loaded.Ok.class, load(table, 1000));
    }

    @Test
    void anUntrustedTableOrBannerIsRefused() throws IOException {
        var banner = write("banner.txt", "hello\n");
        Files.setPosixFilePermissions(banner, PosixFilePermissions.fromString("rw-r--rw-"));
        var table = write("services.yaml", """
                services:
                  a: {bind: 127.0.0.1, port: 7101, handler: echo, banner: {file: %s}}
                """.formatted(banner));
        assertEquals(List.of("DIR/services.yaml:2:66: banner file 'DIR/banner.txt' not trusted: owned by uid 0 (root), "
                + "mode 0646: writable by others (expected owned by root, writable by root only; fix with chown "
                + "root:root and chmod go-w)"), problems(table, 0));
        Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(List.of("DIR/services.yaml:1:1: not trusted: owned by uid 0 (root), mode 0666: group- and "
                + "other-writable (expected owned by root, writable by root only; fix with chown root:root and chmod go-w)"),
                problems(table, 0));
    }

    @Test
    void aGlobIsRefusedWhereOthersMayAddFiles() throws IOException {
        var confd = Files.createDirectory(dir.resolve("conf.d"));
        Files.setAttribute(confd, "unix:mode", 01777);
        var table = write("services.yaml", "include: [conf.d/*.yaml]\nservices: {}\n");
        assertEquals(List.of("DIR/services.yaml:1:11: include 'conf.d/*.yaml': DIR/conf.d not trusted: owned by uid 0 "
                + "(root), mode 1777: group- and other-writable (expected owned by root, writable by root only; fix "
                + "with chown root:root and chmod go-w)"), problems(table, 0));
    }
}
