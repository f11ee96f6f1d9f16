package org.jinetd.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.log.ConnectionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The control socket goes only into a directory of the daemon's own: made 0700, or checked. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketDirectoryTest {
    @TempDir
    Path dir;

    private static ControlServer open(Path socket) throws IOException {
        return ControlServer.open(socket, request -> ControlMessages.Reply.of(true, "fine"), new ConnectionLog());
    }

    private static IOException refused(Path socket) {
        var e = assertThrows(IOException.class, () -> open(socket).close());
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "no socket where the directory is refused");
        return e;
    }

    @Test
    void aMissingDirectoryIsMadeForTheOwnerAlone() throws Exception {
        var socket = dir.resolve("jinetd-someone/control.sock");
        try (var server = open(socket)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals(socket, server.path());
        }
    }

    @Test
    void anOwnPrivateDirectoryIsFine() throws Exception {
        var own = Files.createDirectory(dir.resolve("own"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try (var server = open(own.resolve("control.sock"))) {
            assertTrue(Files.exists(own.resolve("control.sock")));
            try (var entries = Files.list(own)) {
                assertEquals(1, entries.count(), "the private directory of the bind is gone");
            }
        }
    }

    @Test
    void anotherUsersDirectoryIsRefusedByNameOwnerAndMode() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "needs root to give a directory away");
        var theirs = Files.createDirectory(dir.resolve("jinetd-root"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.setOwner(theirs, FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        var e = refused(theirs.resolve("control.sock"));
        assertTrue(e.getMessage().startsWith("'" + theirs + "' (owner nobody, uid 65534, mode 0700): it belongs to "
                + "another user; "), e.getMessage());
    }

    @Test
    void aLinkIsRefusedEvenToAnOwnDirectory() throws Exception {
        var real = Files.createDirectory(dir.resolve("real"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        var link = Files.createSymbolicLink(dir.resolve("link"), real);
        var e = refused(link.resolve("control.sock"));
        assertTrue(e.getMessage().startsWith("'" + link + "' (owner "), e.getMessage());
        assertTrue(e.getMessage().contains("it is a symbolic link"), e.getMessage());
        assertFalse(Files.exists(real.resolve("control.sock")));
    }

    @Test
    void aDirectoryOthersMayWriteInIsRefused() throws Exception {
        var open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        var e = refused(open.resolve("control.sock"));
        assertTrue(e.getMessage().contains("mode 0777): others may write in it;"), e.getMessage());
    }
}
