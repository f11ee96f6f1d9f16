package org.jinetd.daemon.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A file lines are appended to, one write(2) each. A root daemon appends only to a file it
 * can trust: a regular file, not a symlink, writable by no one else, with one link, owned by
 * root. Otherwise whoever may write to its directory (group syslog may write to /var/log on
 * Ubuntu) could make root append to a file of their choice, /etc/passwd by a link. The checks
 * are made on the file opened, so that nothing can be swapped in between a check and the
 * open. A daemon that is not root writes nothing its user could not, and checks only that
 * the file is a regular one.
 */
public final class AppendFile implements AutoCloseable {
    /** Checks nothing but that it is a regular file: the {@code owner} of a daemon that is not root. */
    public static final int ANY = -1;
    /** What a trusted log file is, for a message. */
    public static final String TRUSTED = "a regular file, not a symlink, writable by its owner only, with one link, "
            + "owned by root; fix with chown root:root and chmod go-w, or name a file that is not there yet";
    private static final int ELOOP = 40;
    private static final int ENXIO = 6;

    private final int fd;
    private final Path path;

    private AppendFile(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * Opens {@code path} to append to it, creating it (mode 0640) if it is not there.
     *
     * @param owner who must own the file besides root: 0 for a root daemon, {@link #ANY} to
     *              check only that it is a regular file (a daemon that is not root); a test
     *              gives its own uid
     * @throws IOException whose message says why not: "a symlink", "group-writable", ...
     */
    public static AppendFile open(Path path, int owner) throws IOException {
        boolean strict = owner != ANY;
        int fd;
        try {
            fd = Libc.openToAppend(path.toString(), strict);
        } catch (Libc.Failure e) {
            throw new IOException(switch (e.errno) {
                case ELOOP -> strict ? "a symlink" : Libc.describe(e.errno);
                case ENXIO -> "not a regular file";
                default -> Libc.describe(e.errno);
            });
        } catch (RuntimeException | LinkageError e) {
            throw new IOException("cannot open: " + e);
        }
        var file = new AppendFile(fd, path);
        try {
            // The file opened, whatever the path names by now.
            var why = refusal(Files.readAttributes(Path.of("/proc/self/fd/" + fd), "unix:mode,uid,nlink"), owner);
            if (why.isPresent()) {
                throw new IOException(why.get());
            }
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e instanceof IOException io ? io : new IOException(e.toString());
        }
        return file;
    }

    /**
     * Why the file at {@code path}, if there is one, may not be appended to: for a table that
     * names it, before anything is opened. Empty when it is fine or not there.
     */
    public static Optional<String> refusal(Path path, int owner) {
        try {
            var options = owner != ANY ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS} : new LinkOption[0];
            return refusal(Files.readAttributes(path, "unix:mode,uid,nlink", options), owner);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot check it: " + e.getMessage());
        }
    }

    private static Optional<String> refusal(Map<String, Object> attributes, int owner) {
        int mode = (int) attributes.get("mode");
        int type = mode & 0170000;
        if (type == 0120000) {
            return Optional.of("a symlink");
        }
        if (type != 0100000) {
            return Optional.of("not a regular file: " + switch (type) {
                case 0040000 -> "a directory";
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "mode " + Integer.toOctalString(mode);
            });
        }
        if (owner == ANY) {
            return Optional.empty();
        }
        int uid = (int) attributes.get("uid");
        int links = (int) attributes.get("nlink");
        if ((mode & 0022) != 0) {
            return Optional.of("not trusted: mode %04o: %s".formatted(mode & 07777, (mode & 0022) == 0022
                    ? "group- and other-writable" : (mode & 0020) != 0 ? "group-writable" : "writable by others"));
        }
        if (links != 1) {
            return Optional.of("not trusted: it has %d links".formatted(links));
        }
        if (uid != 0 && uid != owner) {
            return Optional.of("not trusted: owned by uid %d, not %s".formatted(uid, owner == 0 ? "root"
                    : "root or uid " + owner));
        }
        return Optional.empty();
    }

    public Path path() {
        return path;
    }

    /** Appends {@code length} bytes of {@code bytes}; a file system that takes part of them gets the rest too. */
    public void write(byte[] bytes, int length) throws IOException {
        int done = 0;
        while (done < length) {
            try {
                long written = Libc.write(fd, bytes, done, length - done);
                if (written == 0) {
                    throw new IOException("the file system took none of it");
                }
                done += (int) written;
            } catch (Libc.Failure e) {
                if (e.errno != Libc.EINTR) {
                    throw new IOException(Libc.describe(e.errno));
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            Libc.close(fd);
        } catch (Libc.Failure e) {
            // Nothing was buffered here: there is nothing to lose.
        }
    }
}
