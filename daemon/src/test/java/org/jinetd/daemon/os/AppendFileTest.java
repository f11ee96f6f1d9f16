package org.jinetd.daemon.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log file's way from /: every directory on it held to the table's rule, no symlink
 * followed, each checked on the descriptor opened. Real directories under a temporary one;
 * the cases that give a directory away to another user or group need root, and say so.
 */
class AppendFileTest {
    /** Who the test's files belong to: root, or the user running the test, trusted as a root daemon trusts root. */
    private static final int OWNER = (int) new com.sun.security.auth.module.UnixSystem().getUid();
    private static final int DIRECTORY = OpenAt.O_PATH | OpenAt.O_DIRECTORY | OpenAt.O_NOFOLLOW | OpenAt.O_CLOEXEC;

    @TempDir
    Path dir;

    @BeforeEach
    void onlyItsOwnerMayWriteTheTemporaryDirectory() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void mode(Path path, int mode) throws IOException {
        Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    }

    private static void needsRoot() {
        assumeTrue(OWNER == 0, "gives a directory away to another user or group: needs root");
    }

    /** Why {@link AppendFile#open} refuses {@code file}; it must. */
    private String openRefusal(Path file) {
        var e = assertThrows(IOException.class, () -> AppendFile.open(file, OWNER).close());
        return e.getMessage().replace(dir.toString(), "DIR");
    }

    /** Why {@link AppendFile#refusal} (the table's check) refuses {@code file}, with what it expects. */
    private String checkRefusal(Path file) {
        var refusal = AppendFile.refusal(file, OWNER);
        assertTrue(refusal.isPresent(), () -> file + " passed the check");
        return (refusal.get().what() + " (expected " + refusal.get().expected() + ")").replace(dir.toString(), "DIR");
    }

    @Test
    void aFileInTrustedDirectoriesIsCreatedAndAppendedTo() throws IOException {
        var file = Files.createDirectory(dir.resolve("log")).resolve("current");
        assertEquals(Optional.empty(), AppendFile.refusal(file, OWNER));
        try (var log = AppendFile.open(file, OWNER)) {
            log.write("one\n".getBytes(StandardCharsets.US_ASCII), 4);
        }
        try (var log = AppendFile.open(file, OWNER)) {
            log.write("two\n".getBytes(StandardCharsets.US_ASCII), 4);
        }
        assertEquals("one\ntwo\n", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(Optional.empty(), AppendFile.refusal(file, OWNER));
    }

    @Test
    void aDirectoryOnTheWayThatIsASymlinkIsRefusedAndNothingIsMadeWhereItLeads() throws IOException {
        var elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        var link = Files.createSymbolicLink(dir.resolve("log"), elsewhere);
        var file = link.resolve("current");
        assertEquals("directory DIR/log is a symlink", openRefusal(file));
        assertEquals("directory DIR/log is a symlink (expected a path with no symlink on it, as root writes the log; "
                + "name the directory it leads to, if that one can be trusted)", checkRefusal(file));
        // Deeper down too: a link above the file's own directory.
        Files.createDirectory(elsewhere.resolve("jinetd"));
        assertEquals("directory DIR/log is a symlink", openRefusal(link.resolve("jinetd").resolve("current")));
        assertFalse(Files.exists(elsewhere.resolve("current")), "a file was made where the link leads");
        assertFalse(Files.exists(elsewhere.resolve("jinetd").resolve("current")));
    }

    @Test
    void aDaemonThatIsNotRootFollowsLinksAsItsUserWould() throws IOException {
        var elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        var link = Files.createSymbolicLink(dir.resolve("log"), elsewhere);
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), AppendFile.refusal(link.resolve("current"), AppendFile.ANY));
        try (var log = AppendFile.open(link.resolve("current"), AppendFile.ANY)) {
            log.write("x\n".getBytes(StandardCharsets.US_ASCII), 2);
        }
        assertEquals("x\n", Files.readString(elsewhere.resolve("current")));
        assertEquals("no directory DIR/none", AppendFile.refusal(dir.resolve("none/current"), AppendFile.ANY)
                .map(r -> r.what().replace(dir.toString(), "DIR")).orElse("passed"));
    }

    @Test
    void aDirectoryOthersMayWriteIsRefusedByName() throws IOException {
        var open = Files.createDirectory(dir.resolve("open"));
        mode(open, 0777);
        var file = open.resolve("current");
        assertEquals("not trusted: directory DIR/open is owned by uid %d (%s), mode 0777: group- and other-writable "
                .formatted(OWNER, owner(open)) + "without the sticky bit, so anyone may put another file or directory "
                + "in the log's place", openRefusal(file));
        assertTrue(checkRefusal(file).endsWith("(expected every directory above the log file owned by " + owners()
                + " and writable by " + owners() + " only, or sticky as /tmp is; fix with chmod go-w DIR/open, or log "
                + "to journal or syslog)"), checkRefusal(file));
        mode(open, 0757);
        assertTrue(openRefusal(file).contains("mode 0757: writable by others without the sticky bit, so anyone may"),
                openRefusal(file));
        assertFalse(Files.exists(file));
        // The grandparent as well: the same rule for every directory from / down.
        mode(open, 0775);
        var below = Files.createDirectory(open.resolve("jinetd"));
        assertTrue(openRefusal(below.resolve("current")).startsWith("not trusted: directory DIR/open is owned by"),
                openRefusal(below.resolve("current")));
        assertFalse(Files.exists(below.resolve("current")));
    }

    @Test
    void aGroupWritableDirectoryOfRootWithAnotherGroupIsRefusedNamingTheGroup() throws IOException {
        needsRoot();
        // As /var/log is on Ubuntu, root:syslog 0775: group syslog may rename /var/log/jinetd and
        // put another of root's directories there, or their own, or a link.
        var varLog = Files.createDirectory(dir.resolve("log"));
        group(varLog, "nogroup");
        mode(varLog, 0775);
        var jinetd = Files.createDirectory(varLog.resolve("jinetd"));
        var file = jinetd.resolve("current");
        assertEquals("not trusted: directory DIR/log is owned by uid 0 (root), mode 0775: group-writable without the "
                + "sticky bit, so group nogroup may put another file or directory in the log's place", openRefusal(file));
        assertEquals("not trusted: directory DIR/log is owned by uid 0 (root), mode 0775: group-writable without the "
                + "sticky bit, so group nogroup may put another file or directory in the log's place (expected every "
                + "directory above the log file owned by root and writable by root only, or sticky as /tmp is; fix "
                + "with chmod g-w DIR/log, or log to journal or syslog)", checkRefusal(file));
        assertFalse(Files.exists(file));
        // Its group root is no different: a member of group root is not root.
        group(varLog, "root");
        assertTrue(openRefusal(file).contains("so group root may put"), openRefusal(file));
        // Taken away from the group, it is what Debian has: trusted.
        mode(varLog, 0755);
        AppendFile.open(file, 0).close();
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void aDirectoryOfAnotherUserIsRefusedEvenIfOnlyItsOwnerMayWriteIt() throws IOException {
        needsRoot();
        var theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        assertEquals("not trusted: directory DIR/theirs is owned by uid 65534 (nobody), mode 0755: not owned by root, "
                + "so its owner may put another file or directory in the log's place", openRefusal(theirs.resolve("x.log")));
        assertTrue(checkRefusal(theirs.resolve("x.log")).contains("fix with chown root DIR/theirs, or log to journal"),
                checkRefusal(theirs.resolve("x.log")));
        assertFalse(Files.exists(theirs.resolve("x.log")));
    }

    @Test
    void aStickyDirectoryOfRootMayBeWritableByAll() throws IOException {
        var sticky = Files.createDirectory(dir.resolve("tmp"));
        mode(sticky, 01777);
        var file = sticky.resolve("jinetd.log");
        assertEquals(Optional.empty(), AppendFile.refusal(file, OWNER));
        AppendFile.open(file, OWNER).close();
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void aDirectoryThatIsNotThereOrAFileOnTheWayIsRefused() throws IOException {
        assertEquals("no directory DIR/none", openRefusal(dir.resolve("none/current")));
        assertEquals("no directory DIR/none (expected a file in a directory that is there)",
                checkRefusal(dir.resolve("none/current")));
        Files.writeString(dir.resolve("file"), "");
        assertEquals("DIR/file is not a directory but a regular file", openRefusal(dir.resolve("file/current")));
    }

    /**
     * What makes the open safe from a swap: openat(2) as the walk calls it fails on a symlink,
     * for a directory (ENOTDIR) and for the file (ELOOP), and creates nothing where a dangling
     * link points, whatever a check by path said before.
     */
    @Test
    void theCallsOfTheWalkNeverFollowALink() throws Exception {
        var elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("link"), elsewhere);
        Files.createSymbolicLink(dir.resolve("dangling"), elsewhere.resolve("made"));
        int held = OpenAt.open(OpenAt.AT_FDCWD, dir.toString(), DIRECTORY, 0);
        try {
            var directory = assertThrows(Libc.Failure.class, () -> OpenAt.open(held, "link", DIRECTORY, 0));
            assertEquals(OpenAt.ENOTDIR, directory.errno);
            int append = OpenAt.O_WRONLY | OpenAt.O_APPEND | OpenAt.O_CREAT | OpenAt.O_NOFOLLOW | OpenAt.O_CLOEXEC;
            var file = assertThrows(Libc.Failure.class, () -> OpenAt.open(held, "dangling", append, 0640));
            assertEquals(OpenAt.ELOOP, file.errno);
            assertFalse(Files.exists(elsewhere.resolve("made"), LinkOption.NOFOLLOW_LINKS));
            assertTrue(OpenAt.statusAt(held, "link").isSymlink());
        } finally {
            OpenAt.close(held);
        }
        // The walk itself, asked to open with no check before: the link is refused at its name.
        assertEquals("directory DIR/link is a symlink", openRefusal(dir.resolve("link/made")));
        assertFalse(Files.exists(elsewhere.resolve("made"), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * A directory held open stays the directory checked: renamed away and replaced by a link,
     * the file is still made in it, not where the link leads.
     */
    @Test
    void aDirectoryHeldOpenIsTheOneCheckedWhateverIsRenamedMeanwhile() throws Exception {
        var log = Files.createDirectory(dir.resolve("log"));
        var elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        int held = OpenAt.open(OpenAt.AT_FDCWD, log.toString(), DIRECTORY, 0);
        try {
            var checked = OpenAt.status(held);
            Files.move(log, dir.resolve("log.old"));
            Files.createSymbolicLink(log, elsewhere);
            int fd = OpenAt.open(held, "current", OpenAt.O_WRONLY | OpenAt.O_CREAT | OpenAt.O_NOFOLLOW, 0640);
            OpenAt.close(fd);
            assertEquals(checked, OpenAt.status(held));
        } finally {
            OpenAt.close(held);
        }
        assertTrue(Files.exists(dir.resolve("log.old/current")));
        assertFalse(Files.exists(elsewhere.resolve("current")));
    }

    @Test
    void theStatusOfADescriptorIsWhatStatSays() throws Exception {
        var file = Files.writeString(dir.resolve("f"), "x");
        mode(file, 0604);
        Files.createLink(dir.resolve("g"), file);
        int fd = OpenAt.open(OpenAt.AT_FDCWD, file.toString(), OpenAt.O_PATH | OpenAt.O_CLOEXEC, 0);
        try {
            var status = OpenAt.status(fd);
            assertEquals(new FileStatus(0100604, OWNER, (int) Files.getAttribute(file, "unix:gid"), 2), status);
            assertTrue(status.isRegular());
        } finally {
            OpenAt.close(fd);
        }
        assertTrue(OpenAt.statusAt(OpenAt.AT_FDCWD, dir.toString()).isDirectory());
    }

    private static String owner(Path path) throws IOException {
        return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
    }

    private static String owners() {
        return OWNER == 0 ? "root" : "root or uid " + OWNER;
    }

    private static void group(Path path, String name) throws IOException {
        var group = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(group);
    }
}
