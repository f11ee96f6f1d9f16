package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The built daemon with {@code log: FILE}: its lines go to the file, and a reload after a rename starts the next one. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogFileIT {
    @TempDir
    Path dir;

    /** Waits up to 20 s for {@code file} to hold {@code text}. */
    private static String awaitIn(Path file, String text) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            String content;
            try {
                content = Files.readString(file);
            } catch (NoSuchFileException e) {
                content = "";
            }
            if (content.contains(text)) {
                return content;
            }
            if (System.nanoTime() > deadline) {
                fail(file + " never held '" + text + "':\n" + content);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    @Test
    void aConnectionLineGoesToTheFileAndAReloadAfterARenameStartsTheNext() throws Exception {
        int port = TestDaemon.freePort();
        var log = dir.resolve("jinetd.log");
        var table = dir.resolve("services.yaml");
        var service = "services: {echo: {bind: 127.0.0.1, port: %d, handler: echo}}\n".formatted(port);
        Files.writeString(table, "control_socket: none\nlog: " + log + "\n" + service);
        try (var jinetd = Launched.start("run", "-c", table.toString())) {
            jinetd.awaitErr("INFO log: to " + log + " from now on");
            awaitIn(log, "INFO ready: 1 service listening");
            assertEquals("hi", Clients.exchange(port, "hi"));
            var content = awaitIn(log, "INFO service=echo peer=127.0.0.1:");
            assertTrue(content.lines().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ (INFO|WARN) .*")), content);

            // logrotate's way: rename, then reload.
            Files.move(log, dir.resolve("jinetd.log.1"));
            jinetd.signal("HUP");
            awaitIn(log, "reloaded " + table + ": 1 kept");
            assertEquals("hi", Clients.exchange(port, "hi"));
            awaitIn(log, "INFO service=echo peer=127.0.0.1:");
            assertTrue(Files.readString(dir.resolve("jinetd.log.1")).contains("INFO reload: SIGHUP received"));

            // Back to stderr: the file says where the log went.
            Files.writeString(table, "control_socket: none\nlog: stderr\n" + service);
            jinetd.signal("HUP");
            awaitIn(log, "INFO log: to stderr from now on");
            jinetd.awaitErr("reloaded " + table);
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            assertFalse(jinetd.err().contains("service=echo peer="), jinetd.err());
        }
    }

    @Test
    void theCommandsWriteToStderrWhateverTheTableSays() throws Exception {
        var log = dir.resolve("jinetd.log");
        var table = dir.resolve("services.yaml");
        Files.writeString(table, "control_socket: none\nlog: " + log + "\nservices: {echo: {port: 7, handler: echo}}\n");
        try (var check = Launched.start("check", "-c", table.toString())) {
            assertEquals(0, check.exit(), check.err());
            assertTrue(check.out().contains(table + ": ok: 1 service"), check.out());
        }
        Files.writeString(table, "log: " + log + "\nservices: {echo: {port: 0, handler: echo}}\n");
        try (var check = Launched.start("check", "-c", table.toString())) {
            assertEquals(1, check.exit());
            assertTrue(check.err().contains(table + ":2:"), check.err());
        }
        assertFalse(Files.exists(log), "a command opened the table's log file");
    }

    @Test
    void aFileThatCannotBeTrustedIsAProblemOfTheTable() throws Exception {
        var log = Files.createFile(dir.resolve("jinetd.log"));
        Files.setPosixFilePermissions(log, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        var table = dir.resolve("services.yaml");
        Files.writeString(table, "control_socket: none\nlog: " + log + "\nservices: {echo: {port: 7, handler: echo}}\n");
        // A daemon that is not root writes nothing its user could not: it takes any regular file.
        boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        try (var check = Launched.start("check", "-c", table.toString())) {
            assertEquals(root ? 1 : 0, check.exit(), check.err());
            assertEquals(root, check.err().contains(table + ":2:6: log '" + log + "': not trusted: mode 0666: "
                    + "group- and other-writable"), check.err());
        }
    }

    @Test
    void aDirectoryAboveTheFileThatIsASymlinkIsAProblemOfTheTableAndNothingIsMadeWhereItLeads() throws Exception {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        var link = Files.createSymbolicLink(dir.resolve("logs"), elsewhere);
        var table = dir.resolve("services.yaml");
        Files.writeString(table, "control_socket: none\nlog: " + link.resolve("jinetd.log")
                + "\nservices: {echo: {port: 7, handler: echo}}\n");
        boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        try (var check = Launched.start("check", "-c", table.toString())) {
            assertEquals(root ? 1 : 0, check.exit(), check.err());
            assertEquals(root, check.err().contains(table + ":2:6: log '" + link.resolve("jinetd.log")
                    + "': directory " + link + " is a symlink"), check.err());
        }
        if (root) {
            // A root daemon does not start on that table, and writes nothing where the link leads.
            try (var run = Launched.start("run", "-c", table.toString())) {
                assertEquals(1, run.exit(), run.err());
                assertTrue(run.err().contains("directory " + link + " is a symlink"), run.err());
            }
            assertFalse(Files.exists(elsewhere.resolve("jinetd.log")));
        }
    }
}
