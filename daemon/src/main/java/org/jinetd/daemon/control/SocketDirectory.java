package org.jinetd.daemon.control;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;

/**
 * The directory of the control socket: made 0700 where it is missing, and believed only
 * when it is the daemon's own. Another user's directory (such as a {@code /tmp/jinetd-USER}
 * made in advance), a link, or one others may write in would let them put their own socket
 * where {@code jinetd stop} looks.
 */
final class SocketDirectory {
    private SocketDirectory() {}

    static void make(Path dir, int ownUid) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            var parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // Someone was quicker: what they made is checked below like anything found there.
            }
        }
        check(dir, ownUid);
    }

    static void check(Path dir, int ownUid) throws IOException {
        int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        var wrong = new ArrayList<String>();
        if ((mode & 0170000) == 0120000) {
            wrong.add("it is a symbolic link");
        } else if ((mode & 0170000) != 0040000) {
            wrong.add("it is not a directory");
        }
        if (uid != ownUid) {
            wrong.add("it belongs to another user");
        }
        if ((mode & 0170000) != 0120000 && (mode & 0022) != 0) {
            wrong.add("others may write in it");
        }
        if (!wrong.isEmpty()) {
            var owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            throw new IOException("'%s' (owner %s, uid %d, mode %04o): %s; the control socket's directory must be "
                    .formatted(dir, owner, uid, mode & 07777, String.join(", ", wrong))
                    + "a directory of jinetd's own user (uid %d), not a link, that no one else may write in"
                    .formatted(ownUid));
        }
    }
}
