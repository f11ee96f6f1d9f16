package org.jinetd.daemon.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root daemon binds a unix socket only where no one else can swap a directory above it for
 * a link: checked as it binds, not only when the table was read, since a directory may be
 * made in between (another user's, in a sticky /tmp). Runs as root, as CI does.
 */
class SocketFileTest {
    @TempDir
    Path dir;

    private static void giveToNobody(Path path) throws IOException {
        var nobody = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(nobody);
    }

    private static void bind(Path path) throws IOException {
        SocketFile.bind(SocketFile.place(path), 4, PosixFilePermissions.fromString("rw-rw-rw-"), OptionalInt.empty(),
                        OptionalInt.empty())
                .close();
    }

    @Test
    void aDirectoryAnotherUserMadeAboveTheSocketStopsItsBind() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "needs root to give a directory away");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var sticky = Files.createDirectory(dir.resolve("tmp"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        // Made after the table was read, by someone else: theirs to swap for a link.
        var theirs = Files.createDirectory(sticky.resolve("svc"));
        giveToNobody(theirs);
        var refused = assertThrows(IOException.class, () -> bind(theirs.resolve("x.sock")));
        assertTrue(refused.getMessage().startsWith("'" + theirs + "' (uid 65534, mode 0755) is not owned by root: "),
                refused.getMessage());
        assertFalse(Files.exists(theirs.resolve("x.sock"), LinkOption.NOFOLLOW_LINKS));
        try (var left = Files.list(theirs)) {
            assertEquals(0, left.count(), "nothing made there, not even the private directory");
        }

        // A link of theirs to a directory of root's: refused as well, what it points to unchanged.
        var roots = Files.createDirectory(dir.resolve("roots"));
        var link = Files.createSymbolicLink(sticky.resolve("link"), roots);
        Files.getFileAttributeView(link, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setOwner(link.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        var linked = assertThrows(IOException.class, () -> bind(link.resolve("x.sock")));
        assertTrue(linked.getMessage().contains("is a link not root's"), linked.getMessage());
        assertFalse(Files.exists(roots.resolve("x.sock"), LinkOption.NOFOLLOW_LINKS));

        // Root's own directory in the sticky one: bound.
        var ours = Files.createDirectory(sticky.resolve("ours"));
        bind(ours.resolve("x.sock"));
        assertTrue(Files.exists(ours.resolve("x.sock"), LinkOption.NOFOLLOW_LINKS));

        // Root's link to a link of theirs to root's directory: their link could be turned
        // anywhere after the check, so it is refused though both ends are root's.
        var pointer = Files.createSymbolicLink(sticky.resolve("pointer"), roots);
        Files.getFileAttributeView(pointer, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setOwner(pointer.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        var rootsLink = Files.createSymbolicLink(dir.resolve("through"), pointer);
        var through = assertThrows(IOException.class, () -> bind(rootsLink.resolve("x.sock")));
        assertTrue(through.getMessage().startsWith("'" + pointer + "' (uid 65534, "), through.getMessage());
        assertFalse(Files.exists(roots.resolve("x.sock"), LinkOption.NOFOLLOW_LINKS));

        // Root's own link (as /var/run to /run): followed, and the socket made where it resolves,
        // which is what is replaced and deleted from then on.
        var run = Files.createSymbolicLink(dir.resolve("run"), ours);
        assertEquals(ours.resolve("y.sock"), SocketFile.place(run.resolve("y.sock")).path());
        bind(run.resolve("y.sock"));
        assertTrue(Files.exists(ours.resolve("y.sock"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(ours.resolve("z.sock"), SocketFile.place(dir.resolve("tmp/./ours/../ours/z.sock")).path());

        // Links that lead to each other, and a FIFO where a directory should be: an error, never a hang.
        var one = dir.resolve("one");
        Files.createSymbolicLink(one, dir.resolve("two"));
        Files.createSymbolicLink(dir.resolve("two"), one);
        var loop = assertThrows(IOException.class, () -> bind(one.resolve("x.sock")));
        assertTrue(loop.getMessage().startsWith("too many links on the way to "), loop.getMessage());
        var fifo = dir.resolve("fifo");
        assertTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS));
        var notDir = assertThrows(IOException.class, () -> bind(fifo.resolve("x.sock")));
        assertEquals("'" + fifo + "' is not a directory", notDir.getMessage());

        // Group-writable without the sticky bit: refused.
        var shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 0775);
        var writable = assertThrows(IOException.class, () -> bind(shared.resolve("x.sock")));
        assertTrue(writable.getMessage().contains("is group-writable without the sticky bit"), writable.getMessage());
    }
}
