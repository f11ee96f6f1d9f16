package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StrictModes rule on real files: owner and mode of a file and of every directory above
 * it. Runs as root, as CI does, to give files away to {@code nobody}.
 */
class TrustTest {
    private static final Trust ROOT = new Trust(0);

    @TempDir
    Path dir;

    private Path safe;

    @BeforeEach
    void rootOwnedDirectory() throws IOException {
        assertEquals(0, Accounts.self(), "these tests give files away, as root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        safe = file(dir.resolve("services.yaml"), "rw-r--r--");
    }

    private static Path file(Path path, String mode) throws IOException {
        Files.writeString(path, "services: {}\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        return path;
    }

    private static void giveToNobody(Path path) throws IOException {
        var nobody = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).setOwner(nobody);
    }

    private static String refusal(Trust trust, Path path) {
        return trust.refusal(path).map(r -> r.what() + " (expected " + r.expected() + ")").orElse("trusted");
    }

    @Test
    void aRootOwnedFileWritableByRootOnlyIsTrusted() {
        assertEquals("trusted", refusal(ROOT, safe));
    }

    @Test
    void aFileOwnedByAnotherUserIsRefusedWithItsOwnerAndMode() throws IOException {
        giveToNobody(safe);
        assertEquals("not trusted: owned by uid 65534 (nobody), mode 0644: not owned by root (expected owned by root, "
                + "writable by root only; fix with chown root:root and chmod go-w)", refusal(ROOT, safe));
    }

    @Test
    void aGroupWritableFileIsRefused() throws IOException {
        file(safe, "rw-rw-r--");
        assertEquals("not trusted: owned by uid 0 (root), mode 0664: group-writable (expected owned by root, "
                + "writable by root only; fix with chown root:root and chmod go-w)", refusal(ROOT, safe));
    }

    @Test
    void aFileWritableByOthersIsRefused() throws IOException {
        file(safe, "rw-r--rw-");
        assertTrue(refusal(ROOT, safe).startsWith("not trusted: owned by uid 0 (root), mode 0646: writable by others"),
                refusal(ROOT, safe));
    }

    @Test
    void aSafeFileInADirectoryWritableByAllIsRefusedAndTheDirectoryNamed() throws IOException {
        var open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        var inside = file(open.resolve("x.yaml"), "rw-r--r--");
        assertEquals("not trusted: directory " + open + " is owned by uid 0 (root), mode 0777: group- and "
                + "other-writable without the sticky bit (expected owned by root, writable by root only; fix with "
                + "chown root:root " + open + " and chmod go-w " + open + ")", refusal(ROOT, inside));
    }

    @Test
    void aSafeFileInARootOwnedStickyDirectoryIsTrusted() throws IOException {
        var sticky = Files.createDirectory(dir.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        assertEquals(01777, (int) Files.getAttribute(sticky, "unix:mode") & 07777);
        var inside = file(sticky.resolve("x.yaml"), "rw-r--r--");
        assertEquals("trusted", refusal(ROOT, inside));
        // ... but not an unsafe one, and the sticky directory itself is no plugin directory.
        giveToNobody(inside);
        assertTrue(refusal(ROOT, inside).contains("not owned by root"), refusal(ROOT, inside));
        assertTrue(refusal(ROOT, sticky).contains("mode 1777: group- and other-writable"), refusal(ROOT, sticky));
    }

    @Test
    void aSymlinkToAnUnsafeFileIsRefused() throws IOException {
        var unsafe = file(dir.resolve("unsafe.yaml"), "rw-rw-rw-");
        var link = Files.createSymbolicLink(dir.resolve("link.yaml"), unsafe);
        assertTrue(refusal(ROOT, link).startsWith("not trusted: owned by uid 0 (root), mode 0666"), refusal(ROOT, link));
        // A safe target through a link that someone else owns is refused too: they could point it elsewhere.
        var other = Files.createSymbolicLink(dir.resolve("other.yaml"), safe);
        assertEquals("trusted", refusal(ROOT, other));
        giveToNobody(other);
        assertTrue(refusal(ROOT, other).startsWith("not trusted: symlink " + other + " is owned by uid 65534 (nobody)"),
                refusal(ROOT, other));
    }

    @Test
    void aSymlinkIntoAnUnsafeDirectoryIsRefusedThoughItsOwnDirectoryIsSafe() throws IOException {
        var open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        var target = file(open.resolve("x.yaml"), "rw-r--r--");
        var link = Files.createSymbolicLink(dir.resolve("link.yaml"), target);
        assertTrue(refusal(ROOT, link).startsWith("not trusted: directory " + open), refusal(ROOT, link));
    }

    /**
     * A socket root makes, replaces at start and deletes at stop: a directory above it that
     * another user owns could become a link to anywhere; a sticky one such as /tmp cannot.
     * One not made yet is judged by the nearest above it.
     */
    @Test
    void aSocketsPlaceIsRefusedBelowADirectoryAnotherUserOwns() throws IOException {
        var theirs = Files.createDirectory(dir.resolve("theirs"));
        var sub = Files.createDirectory(theirs.resolve("sub"));
        giveToNobody(theirs);
        var where = ROOT.placeRefusal(sub.resolve("victim.sock")).map(r -> r.what() + " (expected " + r.expected() + ")")
                .orElse("trusted");
        assertTrue(where.startsWith("not trusted: directory " + theirs + " is owned by uid 65534 (nobody)"), where);
        assertTrue(ROOT.placeRefusal(theirs.resolve("not-yet/made/x.sock")).isPresent());
        assertEquals(Optional.empty(), ROOT.placeRefusal(dir.resolve("x.sock")));
        var sticky = Files.createDirectory(dir.resolve("sticky"));
        Files.setPosixFilePermissions(sticky, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        assertEquals(Optional.empty(), ROOT.placeRefusal(sticky.resolve("x.sock")));
        assertEquals(Optional.empty(), ROOT.placeRefusal(dir.resolve("missing/x.sock")));
        assertEquals(Optional.empty(), Trust.NONE.placeRefusal(sub.resolve("victim.sock")));

        // Root's link to a link of nobody's to a directory of root's: nobody's could point anywhere later.
        var roots = Files.createDirectory(dir.resolve("roots"));
        var pointer = Files.createSymbolicLink(sticky.resolve("pointer"), roots);
        giveToNobody(pointer);
        var through = Files.createSymbolicLink(dir.resolve("through"), pointer);
        var refused = ROOT.placeRefusal(through.resolve("x.sock")).map(Trust.Refusal::what).orElse("trusted");
        assertTrue(refused.startsWith("not trusted: '" + pointer + "' (uid 65534, "), refused);
        assertTrue(refused.contains("is a link not root's"), refused);
    }

    @Test
    void theDaemonsOwnUserMayOwnItsFiles() throws IOException {
        giveToNobody(safe);
        var nobody = (int) Files.getAttribute(safe, "unix:uid");
        assertEquals("trusted", refusal(new Trust(nobody), safe));
        file(safe, "rw-rw-r--");
        assertTrue(refusal(new Trust(nobody), safe).endsWith("(expected owned by root or uid " + nobody
                + ", writable by its owner only; fix with chown root:root and chmod go-w)"), refusal(new Trust(nobody), safe));
    }

    @Test
    void aDaemonThatIsNotRootChecksNothing() throws IOException {
        file(safe, "rw-rw-rw-");
        giveToNobody(safe);
        assertEquals(Optional.empty(), Trust.forDaemon(1000).refusal(safe));
        assertTrue(Trust.forDaemon(0).refusal(safe).isPresent());
    }
}
