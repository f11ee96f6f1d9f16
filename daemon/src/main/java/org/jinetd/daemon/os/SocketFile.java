package org.jinetd.daemon.os;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A listening unix socket file with its mode and owner set where no one else can reach it:
 * bound in a fresh 0700 directory beside its path, given its mode and owner there, then
 * renamed over its path. Whatever was at the path (a stale socket, a link) is replaced,
 * never followed. The caller decides beforehand what may be replaced.
 */
public final class SocketFile {
    /** sun_path holds 108 bytes, its NUL included. */
    public static final int MAX_PATH = 107;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private SocketFile() {}

    /**
     * Binds a listening socket at {@code path}. The channel's own address stays the private
     * one it was bound at; callers show {@code path}.
     */
    public static ServerSocketChannel bind(Place place, int backlog, Set<PosixFilePermission> mode, OptionalInt uid,
                                           OptionalInt gid) throws IOException {
        var path = place.path();
        var parent = path.getParent();
        var privateDir = privateDirectory(parent);
        var bound = privateDir.resolve("s");
        ServerSocketChannel server = null;
        try {
            checkLength(path, bound);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(bound), backlog);
            // Nobody else may enter the private directory: no link can be swapped in here.
            if (uid.isPresent()) {
                Files.setAttribute(bound, "unix:uid", uid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
            }
            if (gid.isPresent()) {
                Files.setAttribute(bound, "unix:gid", gid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
            }
            Files.setPosixFilePermissions(bound, mode);
            // rename(2): replaces a link at the path with the socket; it never follows it.
            Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE);
            return server;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(bound);
            throw e;
        } finally {
            Files.deleteIfExists(privateDir);
        }
    }

    /**
     * Where a socket file for {@code path} is made, replaced and deleted: for a root daemon, in
     * the directory it resolves to now, once every directory on the way has passed
     * {@link #checkPlace}; from then on no link is followed again, so that none reached through
     * another (root's link to a user's) can be turned elsewhere in between. Its length is checked too.
     */
    public static Place place(Path path) throws IOException {
        var absolute = path.toAbsolutePath();
        checkLength(absolute, absolute);
        var parent = checkPlace(absolute.getParent(), (int) new com.sun.security.auth.module.UnixSystem().getUid());
        var placed = parent.resolve(absolute.getFileName());
        checkLength(placed, placed);
        return new Place(placed);
    }

    /** A socket file's path as {@link #place} resolved and checked it: what {@link #bind} takes. */
    public static final class Place {
        private final Path path;

        private Place(Path path) {
            this.path = path;
        }

        public Path path() {
            return path;
        }
    }

    /**
     * For a root daemon, the table's rule for a socket's place, checked again as it is bound:
     * every directory above it, and every link followed on the way to it (one reached through
     * another too), owned by root or {@code self}, the directories writable by no one else
     * unless sticky. A directory made since the table was read (another
     * user's, in /tmp) could otherwise be swapped for a link between the bind and the rename,
     * and root would make, and at its stop delete, a file of that name wherever it points.
     * Once every directory passes, no one else can change any of them. Returns the directory
     * resolved, where the socket is then made; {@code parent} itself for a daemon not root's.
     */
    static Path checkPlace(Path parent, int self) throws IOException {
        return self != 0 ? parent : resolvePlace(parent, self);
    }

    /**
     * The directory {@code dir} (absolute) resolves to, every directory and link on the way
     * held to the rule of {@link #checkPlace} for a daemon running as {@code self}; an
     * IOException saying which one is not.
     */
    public static Path resolvePlace(Path dir, int self) throws IOException {
        return resolve(dir.getRoot(), dir, self, 0);
    }

    /** The most links followed on the way, as the kernel's ELOOP. */
    private static final int MOST_LINKS = 40;

    /**
     * {@code path} resolved from the real directory {@code at} one name at a time, each
     * directory and each link met on the way judged as it is met: a link another user owns is
     * refused wherever it is, even one reached only through a link of root's.
     */
    private static Path resolve(Path at, Path path, int self, int links) throws IOException {
        judge(at, self);
        for (var name : path) {
            var text = name.toString();
            if (text.equals(".")) {
                continue;
            }
            if (text.equals("..")) {
                at = at.getParent() == null ? at : at.getParent();
                continue;
            }
            var next = at.resolve(name);
            FileStatus status;
            try {
                status = judge(next, self);
            } catch (NoSuchFileException e) {
                throw new IOException("no such directory: " + next, e);
            }
            if (status.isSymlink()) {
                if (++links > MOST_LINKS) {
                    throw new IOException("too many links on the way to " + path);
                }
                var target = Files.readSymbolicLink(next);
                at = resolve(target.isAbsolute() ? target.getRoot() : at, target, self, links);
            } else if (status.isDirectory()) {
                at = next;
            } else {
                throw new IOException("'" + next + "' is not a directory");
            }
        }
        return at;
    }

    /** {@code p}'s status, if a directory or a link there may be trusted; else why not, as an IOException. */
    private static FileStatus judge(Path p, int self) throws IOException {
        var status = FileStatus.of(p, LinkOption.NOFOLLOW_LINKS);
        var why = status.isSymlink()
                ? (status.uid() == 0 || status.uid() == self ? Optional.<String>empty() : Optional.of("a link not root's"))
                : status.isDirectory() ? status.unsafeDirectory(self) : Optional.<String>empty();
        if (why.isPresent()) {
            throw new IOException("'%s' (uid %d, mode %04o) is %s: a root daemon binds a unix socket only below "
                    .formatted(p, status.uid(), status.mode() & 07777, why.get())
                    + "directories of root's that no one else may write in (or sticky ones)");
        }
        return status;
    }

    private static Path privateDirectory(Path parent) throws IOException {
        var random = ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            var name = new StringBuilder(".j");
            for (int i = 0; i < 6; i++) {
                name.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            var dir = parent.resolve(name.toString());
            try {
                return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // mkdir(2) never follows nor reuses what is there: another name.
                if (attempt == 20) {
                    throw e;
                }
            } catch (NoSuchFileException e) {
                throw new IOException("no such directory: " + parent, e);
            } catch (AccessDeniedException e) {
                throw new IOException("permission denied to make a directory in " + parent
                        + " (a socket is bound in one there first)", e);
            }
        }
    }

    private static void checkLength(Path path, Path bound) throws IOException {
        int bytes = bound.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH) {
            throw new IOException(bound.equals(path)
                    ? "'%s' is %d bytes long; a unix socket's path may have at most %d".formatted(path, bytes, MAX_PATH)
                    : "'%s' is too long to bind safely: it is bound first at '%s', %d bytes long, and a unix "
                            .formatted(path, bound, bytes) + "socket's path may have at most " + MAX_PATH);
        }
    }
}
