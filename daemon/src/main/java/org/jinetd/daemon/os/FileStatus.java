package org.jinetd.daemon.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a file is, as stat(2) says: its type and permission bits ({@code mode}), owner, group
 * and number of links.
 */
public record FileStatus(int mode, int uid, int gid, long links) {
    private static final int TYPE = 0170000;
    private static final int STICKY = 01000;

    /** What {@code path} is, as stat(2) says, or lstat(2) with {@link LinkOption#NOFOLLOW_LINKS}. */
    public static FileStatus of(Path path, LinkOption... options) throws IOException {
        var attributes = Files.readAttributes(path, "unix:mode,uid,gid,nlink", options);
        return new FileStatus((int) attributes.get("mode"), (int) attributes.get("uid"), (int) attributes.get("gid"),
                (int) attributes.get("nlink"));
    }

    public boolean isDirectory() {
        return (mode & TYPE) == 0040000;
    }

    public boolean isRegular() {
        return (mode & TYPE) == 0100000;
    }

    public boolean isSymlink() {
        return (mode & TYPE) == 0120000;
    }

    /** The permission bits alone, 0755 and the like. */
    public int permissions() {
        return mode & 07777;
    }

    /** What kind of file it is, for a message: "a directory", "a FIFO", ... */
    public String kind() {
        return switch (mode & TYPE) {
            case 0100000 -> "a regular file";
            case 0040000 -> "a directory";
            case 0120000 -> "a symlink";
            case 0010000 -> "a FIFO";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> "mode " + Integer.toOctalString(mode);
        };
    }

    /**
     * Why a directory above a file root reads or writes lets someone else change what that
     * file is; empty when it does not. Whoever owns a directory, or may write to it, may
     * rename what is in it and put another file or directory in its place: so it must belong
     * to root (or {@code self}, the daemon's user) and be writable by no one else. The sticky
     * bit, as on /tmp, leaves others only their own entries to rename, never root's.
     * The same rule holds for the table's files and for the log file.
     *
     * @return "not owned by root", "group-writable without the sticky bit", ...
     */
    public Optional<String> unsafeDirectory(int self) {
        if (uid != 0 && uid != self) {
            return Optional.of("not owned by " + (self == 0 ? "root" : "root or uid " + self));
        }
        if ((mode & 0022) == 0 || (mode & STICKY) != 0) {
            return Optional.empty();
        }
        return Optional.of(writable() + " without the sticky bit");
    }

    /** Who besides the owner may write: "group-writable", "writable by others", or both; for a message. */
    public String writable() {
        return (mode & 0022) == 0022 ? "group- and other-writable"
                : (mode & 0020) != 0 ? "group-writable" : (mode & 0002) != 0 ? "writable by others" : "writable by its owner only";
    }
}
