package org.jinetd.daemon.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Optional;

/**
 * A file lines are appended to, one write(2) each. A root daemon appends only to a file it
 * can trust, in directories it can trust. Whoever may write to a directory may rename what
 * is in it and put another file or directory in its place: a symlink to /etc/passwd, a
 * directory of theirs, another of root's. So every directory from / down to the file must
 * belong to root and be writable by no one else, unless it has the sticky bit (/tmp), as
 * for the table's own files; and the file must be a regular one, not a symlink, writable by
 * no one else, with one link, owned by root.
 *
 * <p>The path is walked from / one name at a time with openat(2), never following a symlink,
 * and each directory is checked on the descriptor opened, the file too: what is checked is
 * what is written to, whatever is renamed meanwhile. A check by path and then an open by
 * path would leave a moment for a swap. A daemon that is not root writes nothing its user
 * could not, follows links, and checks only that the file is a regular one.
 */
public final class AppendFile implements AutoCloseable {
    /** Checks nothing but that it is a regular file: the {@code owner} of a daemon that is not root. */
    public static final int ANY = -1;
    private static final String TRUSTED_FILE = "a regular file, not a symlink, writable by its owner only, with one "
            + "link, owned by %s; fix with chown root:root and chmod go-w, or name a file that is not there yet";
    private static final String REGULAR_FILE = "a regular file to append to";
    private static final String A_DIRECTORY = "a file in a directory that is there";
    private static final int DIRECTORY = OpenAt.O_PATH | OpenAt.O_DIRECTORY | OpenAt.O_NOFOLLOW | OpenAt.O_CLOEXEC;
    // Without waiting: a FIFO with no reader fails at once (ENXIO) rather than hang the caller.
    private static final int APPEND = OpenAt.O_WRONLY | OpenAt.O_APPEND | OpenAt.O_CREAT | OpenAt.O_NONBLOCK
            | OpenAt.O_NOCTTY | OpenAt.O_CLOEXEC;

    private final int fd;
    private final Path path;

    private AppendFile(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** Why a log file may not be used, and what would do instead; for a problem of the table. */
    public record Refusal(String what, String expected) {}

    /** A refusal on the way to the file: the walk stops there. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Refusal refusal;

        Refused(Refusal refusal) {
            super(refusal.what(), null, false, false);
            this.refusal = refusal;
        }
    }

    /**
     * Opens {@code path} (absolute) to append to it, creating it (mode 0640) if it is not there.
     *
     * @param owner who must own the file and its directories besides root: 0 for a root
     *              daemon, {@link #ANY} to check only that it is a regular file (a daemon that
     *              is not root); a test gives its own uid
     * @throws IOException whose message says why not: "a symlink", "not trusted: directory ...", ...
     */
    public static AppendFile open(Path path, int owner) throws IOException {
        try {
            return owner == ANY ? openFollowing(path) : openTrusted(path, owner);
        } catch (Refused e) {
            throw new IOException(e.refusal.what());
        } catch (RuntimeException | LinkageError e) {
            throw new IOException("cannot open: " + e);
        }
    }

    private static AppendFile openFollowing(Path path) throws IOException, Refused {
        int fd;
        try {
            fd = OpenAt.open(OpenAt.AT_FDCWD, path.toString(), APPEND, 0640);
        } catch (Libc.Failure e) {
            throw new IOException(e.errno == OpenAt.ENXIO ? "not a regular file" : Libc.describe(e.errno));
        }
        return checked(fd, path, ANY);
    }

    private static AppendFile openTrusted(Path path, int owner) throws IOException, Refused {
        var name = name(path);
        int directory = directory(path, owner);
        int fd;
        try {
            fd = OpenAt.open(directory, name, APPEND | OpenAt.O_NOFOLLOW, 0640);
        } catch (Libc.Failure e) {
            throw new IOException(switch (e.errno) {
                case OpenAt.ELOOP -> "a symlink";
                case OpenAt.ENXIO -> "not a regular file";
                default -> Libc.describe(e.errno);
            });
        } finally {
            OpenAt.close(directory);
        }
        return checked(fd, path, owner);
    }

    /** The file opened as {@code fd}, if it passes; closed otherwise. */
    private static AppendFile checked(int fd, Path path, int owner) throws IOException, Refused {
        try {
            var why = refusal(OpenAt.status(fd), owner);
            if (why.isPresent()) {
                throw new Refused(why.get());
            }
            return new AppendFile(fd, path);
        } catch (Libc.Failure e) {
            OpenAt.close(fd);
            throw new IOException("cannot check it: " + Libc.describe(e.errno));
        } catch (Refused | RuntimeException | LinkageError e) {
            OpenAt.close(fd);
            throw e;
        }
    }

    /**
     * Why the file at {@code path} (absolute), or its directory, may not be appended to: for
     * a table that names it, before anything is opened; the same walk as {@link #open}, but
     * for the open. Empty when it is fine or the file is not there yet.
     */
    public static Optional<Refusal> refusal(Path path, int owner) {
        try {
            if (owner == ANY) {
                return refusalFollowing(path);
            }
            var name = name(path);
            int directory = directory(path, owner);
            try {
                return refusal(OpenAt.statusAt(directory, name), owner);
            } catch (Libc.Failure e) {
                return e.errno == OpenAt.ENOENT ? Optional.empty()
                        : Optional.of(new Refusal("cannot check it: " + Libc.describe(e.errno), REGULAR_FILE));
            } finally {
                OpenAt.close(directory);
            }
        } catch (Refused e) {
            return Optional.of(e.refusal);
        } catch (IOException | RuntimeException | LinkageError e) {
            return Optional.of(new Refusal("cannot check it: " + e.getMessage(), REGULAR_FILE));
        }
    }

    private static Optional<Refusal> refusalFollowing(Path path) throws IOException {
        try {
            return refusal(FileStatus.of(path), ANY);
        } catch (NoSuchFileException e) {
            var directory = path.getParent();
            return directory == null || Files.isDirectory(directory) ? Optional.empty()
                    : Optional.of(new Refusal("no directory " + directory, A_DIRECTORY));
        }
    }

    private static String name(Path path) {
        var name = path.getFileName();
        if (name == null || !path.isAbsolute()) {
            throw new IllegalArgumentException("not the absolute path of a file: " + path);
        }
        return name.toString();
    }

    /**
     * The directory of {@code path}, held open (O_PATH), reached from / one name at a time
     * with openat(2), none of them followed if it is a symlink, each directory checked on the
     * descriptor opened before the next name is looked up in it.
     */
    private static int directory(Path path, int owner) throws Refused {
        var directory = path.getParent();
        var at = directory.getRoot();
        int fd = openDirectory(OpenAt.AT_FDCWD, "/", at);
        try {
            trust(fd, at, owner);
            for (var name : directory) {
                var next = at.resolve(name);
                if (name.toString().equals("..")) {
                    // Up is wherever the directory has been moved to: not a way the table names.
                    throw new Refused(new Refusal("'..' in the path", "an absolute path without '..'"));
                }
                int inner = openDirectory(fd, name.toString(), next);
                OpenAt.close(fd);
                fd = inner;
                at = next;
                trust(fd, at, owner);
            }
            return fd;
        } catch (Refused | RuntimeException | LinkageError e) {
            OpenAt.close(fd);
            throw e;
        }
    }

    private static int openDirectory(int parent, String name, Path path) throws Refused {
        try {
            return OpenAt.open(parent, name, DIRECTORY, 0);
        } catch (Libc.Failure e) {
            if (e.errno == OpenAt.ENOENT) {
                throw new Refused(new Refusal("no directory " + path, A_DIRECTORY));
            }
            if (e.errno != OpenAt.ENOTDIR && e.errno != OpenAt.ELOOP) {
                throw new Refused(new Refusal("cannot open directory " + path + ": " + Libc.describe(e.errno), A_DIRECTORY));
            }
            // Refused already; what it is only makes the message.
            var found = statusAt(parent, name);
            if (found.isPresent() && found.get().isSymlink()) {
                throw new Refused(new Refusal("directory " + path + " is a symlink", "a path with no symlink on it, "
                        + "as root writes the log; name the directory it leads to, if that one can be trusted"));
            }
            throw new Refused(new Refusal(path + " is not a directory but " + found.map(FileStatus::kind)
                    .orElse("something else"), A_DIRECTORY));
        }
    }

    private static Optional<FileStatus> statusAt(int parent, String name) {
        try {
            return Optional.of(OpenAt.statusAt(parent, name));
        } catch (Libc.Failure | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Refuses the directory {@code fd} ({@code path}) when anyone but root or {@code owner} may change what is in it. */
    private static void trust(int fd, Path path, int owner) throws Refused {
        FileStatus status;
        try {
            status = OpenAt.status(fd);
        } catch (Libc.Failure e) {
            throw new Refused(new Refusal("cannot check directory " + path + ": " + Libc.describe(e.errno), A_DIRECTORY));
        }
        var why = status.unsafeDirectory(owner);
        if (why.isEmpty()) {
            return;
        }
        var names = Names.of(path);
        boolean owned = status.uid() == 0 || status.uid() == owner;
        int writers = status.mode() & 0022;
        var who = !owned ? "its owner" : (writers & 0002) != 0 ? "anyone" : "group " + names.group();
        var fix = !owned ? "chown root " + path : "chmod " + (writers == 0022 ? "go-w " : writers == 0020 ? "g-w " : "o-w ") + path;
        var owners = owner == 0 ? "root" : "root or uid " + owner;
        var what = "not trusted: directory %s is owned by uid %d (%s), mode %04o: %s, so %s may put another file or directory in "
                .formatted(path, status.uid(), names.owner(), status.permissions(), why.get(), who) + "the log's place";
        var expected = "every directory above the log file owned by %s and writable by %s only, or sticky as /tmp is; fix "
                .formatted(owners, owners) + "with " + fix + ", or log to journal or syslog";
        throw new Refused(new Refusal(what, expected));
    }

    /** The names of a directory's owner and group, looked up by its path for a message only. */
    private record Names(String owner, String group) {
        static Names of(Path path) {
            try {
                var attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new Names(attributes.owner().getName(), attributes.group().getName());
            } catch (IOException | RuntimeException e) {
                return new Names("unknown", "unknown");
            }
        }
    }

    /** Why the file itself may not be appended to. */
    private static Optional<Refusal> refusal(FileStatus status, int owner) {
        if (status.isSymlink()) {
            return Optional.of(new Refusal("a symlink", REGULAR_FILE));
        }
        if (!status.isRegular()) {
            return Optional.of(new Refusal("not a regular file: " + status.kind(), REGULAR_FILE));
        }
        if (owner == ANY) {
            return Optional.empty();
        }
        String why = null;
        if ((status.mode() & 0022) != 0) {
            why = "mode %04o: %s".formatted(status.permissions(), status.writable());
        } else if (status.links() != 1) {
            why = "it has %d links".formatted(status.links());
        } else if (status.uid() != 0 && status.uid() != owner) {
            why = "owned by uid %d, not %s".formatted(status.uid(), owner == 0 ? "root" : "root or uid " + owner);
        }
        return why == null ? Optional.empty() : Optional.of(new Refusal("not trusted: " + why,
                TRUSTED_FILE.formatted(owner == 0 ? "root" : "root or uid " + owner)));
    }

    public Path path() {
        return path;
    }

    /** Appends {@code length} bytes of {@code bytes}; a file system that takes part of them gets the rest too. */
    public void write(byte[] bytes, int length) throws IOException {
        int done = 0;
        while (done < length) {
            try {
                long written = Descriptors.write(fd, bytes, done, length - done);
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
        // Nothing was buffered here: there is nothing to lose.
        OpenAt.close(fd);
    }
}
