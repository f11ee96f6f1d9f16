package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code log:}: a word or an absolute path, and a file a root daemon can trust; anything else is a problem at its place. */
class LogKeyTest {
    @TempDir
    Path dir;

    private Loaded load(String yaml) throws IOException {
        var file = Files.writeString(dir.resolve("services.yaml"), yaml + "\nservices: {echo: {port: 7007, handler: echo}}\n");
        return new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(file);
    }

    private Optional<LogDestination> log(String yaml) throws IOException {
        var loaded = load(yaml);
        return assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table().log();
    }

    private List<String> problems(String yaml) throws IOException {
        var loaded = load(yaml);
        return assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream()
                .map(p -> p.toString().replace(dir.toString(), "DIR")).toList();
    }

    @Test
    void eachWordAndAnAbsolutePathAreDestinations() throws IOException {
        assertEquals(Optional.empty(), log("# no log key"));
        assertEquals(Optional.of(new LogDestination.Stderr()), log("log: stderr"));
        assertEquals(Optional.of(new LogDestination.Journal()), log("log: journal"));
        assertEquals(Optional.of(new LogDestination.Syslog()), log("log: syslog"));
        assertEquals(Optional.of(new LogDestination.File(dir.resolve("jinetd.log"))), log("log: " + dir + "/./jinetd.log"));
    }

    @Test
    void aFileThatIsThereAndTrustedIsADestination() throws IOException {
        var file = Files.createFile(dir.resolve("jinetd.log"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-r-----")));
        assertEquals(Optional.of(new LogDestination.File(file)), log("log: " + file));
    }

    @Test
    void anUnknownWordIsAProblemWithTheNearestOne() throws IOException {
        assertEquals(List.of("DIR/services.yaml:1:6: log 'sylog' is no destination jinetd knows (expected stderr, "
                + "journal, syslog, or the absolute path of a file; did you mean 'syslog'?)"), problems("log: sylog"));
        assertEquals(List.of("DIR/services.yaml:1:6: log 'var/log/jinetd.log' is a relative path (expected stderr, "
                + "journal, syslog, or the absolute path of a file)"), problems("log: var/log/jinetd.log"));
    }

    @Test
    void aValueThatIsNoTextIsAProblem() throws IOException {
        assertEquals(List.of("DIR/services.yaml:1:6: 'log' is a list (expected text)"), problems("log: [stderr]"));
        assertEquals(List.of("DIR/services.yaml:1:5: log '' is no destination jinetd knows (expected stderr, journal, "
                + "syslog, or the absolute path of a file)"), problems("log:"));
    }

    @Test
    void aFileInADirectoryThatIsNotThereIsAProblem() throws IOException {
        assertEquals(List.of("DIR/services.yaml:1:6: log 'DIR/none/jinetd.log': no directory DIR/none (expected a file "
                + "in a directory that is there)"), problems("log: " + dir + "/none/jinetd.log"));
    }

    @Test
    void aSymlinkAFileOthersMayWriteOrOneWithTwoLinksIsRefusedByName() throws IOException {
        var real = Files.createFile(dir.resolve("real.log"));
        Files.createSymbolicLink(dir.resolve("link.log"), real);
        var open = Files.createFile(dir.resolve("open.log"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-rw-r--")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-r--"));
        Files.createLink(dir.resolve("second.log"), real);
        var expected = " (expected a regular file, not a symlink, writable by its owner only, with one link, owned by "
                + "root; fix with chown root:root and chmod go-w, or name a file that is not there yet)";
        assertEquals(List.of("DIR/services.yaml:1:6: log 'DIR/link.log': a symlink (expected a regular file to append to)"),
                problems("log: " + dir.resolve("link.log")));
        assertEquals(List.of("DIR/services.yaml:1:6: log 'DIR/open.log': not trusted: mode 0664: group-writable"
                + expected), problems("log: " + open));
        assertEquals(List.of("DIR/services.yaml:1:6: log 'DIR/real.log': not trusted: it has 2 links" + expected),
                problems("log: " + real));
    }

    @Test
    void aDirectoryAboveTheFileThatIsASymlinkOrThatOthersMayChangeIsRefusedByName() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("link"), elsewhere);
        assertEquals(List.of("DIR/services.yaml:1:6: log 'DIR/link/jinetd.log': directory DIR/link is a symlink "
                + "(expected a path with no symlink on it, as root writes the log; name the directory it leads to, "
                + "if that one can be trusted)"), problems("log: " + dir.resolve("link/jinetd.log")));
        // As /var/log on Ubuntu (root:syslog 0775) above a directory of root's own: its group may swap that one.
        var varLog = Files.createDirectory(dir.resolve("log"));
        Files.setAttribute(varLog, "unix:mode", 0775);
        Files.createDirectory(varLog.resolve("jinetd"));
        var group = Files.readAttributes(varLog, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        assertEquals(List.of("DIR/services.yaml:1:6: log 'DIR/log/jinetd/current': not trusted: directory DIR/log is "
                + "owned by uid 0 (root), mode 0775: group-writable without the sticky bit, so group " + group
                + " may put another file or directory in the log's place (expected every directory above the log file "
                + "owned by root and writable by root only, or sticky as /tmp is; fix with chmod g-w DIR/log, or log to "
                + "journal or syslog)"), problems("log: " + varLog.resolve("jinetd/current")));
        assertEquals(false, Files.exists(varLog.resolve("jinetd/current")), "the check made the file");
    }

    @Test
    void aDirectoryOrAFifoIsRefusedWithoutOpeningIt() throws Exception {
        Files.createDirectory(dir.resolve("sub"));
        var mkfifo = new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        assertEquals(List.of("DIR/services.yaml:1:6: log 'DIR/sub': not a regular file: a directory (expected a regular "
                + "file to append to)"), problems("log: " + dir.resolve("sub")));
        assertEquals(List.of("DIR/services.yaml:1:6: log 'DIR/fifo': not a regular file: a FIFO (expected a regular "
                + "file to append to)"), assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> problems("log: " + dir.resolve("fifo"))));
    }

    @Test
    void aDaemonThatIsNotRootTakesAnyRegularFile() throws IOException {
        var open = Files.createFile(dir.resolve("open.log"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
        var file = Files.writeString(dir.resolve("services.yaml"), "log: " + open
                + "\nservices: {echo: {port: 7007, handler: echo}}\n");
        var loaded = new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 54_321).read(file);
        assertEquals(Optional.of(new LogDestination.File(open)),
                assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table().log());
    }
}
