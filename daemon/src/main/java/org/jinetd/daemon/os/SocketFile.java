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
    public static ServerSocketChannel bind(Path path, int backlog, Set<PosixFilePermission> mode, OptionalInt uid,
                                           OptionalInt gid) throws IOException {
        var parent = path.toAbsolutePath().getParent();
        checkLength(path, path);
        checkPlace(parent, (int) new com.sun.security.auth.module.UnixSystem().getUid());
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
     * For a root daemon, the table's rule for a socket's place, checked again as it is bound:
     * every directory above it, as written and as it resolves, owned by root or {@code self} and
     * writable by no one else unless sticky. A directory made since the table was read (another
     * user's, in /tmp) could otherwise be swapped for a link between the bind and the rename,
     * and root would make, and at its stop delete, a file of that name wherever it points.
     * Once every directory passes, no one else can change any of them.
     */
    static void checkPlace(Path parent, int self) throws IOException {
        if (self != 0) {
            return;
        }
        var chains = new java.util.ArrayList<Path>();
        Path real;
        try {
            real = parent.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IOException("no such directory: " + parent, e);
        }
        for (var chain : java.util.List.of(parent, real)) {
            var at = chain.getRoot();
            chains.add(at);
            for (var name : chain) {
                at = at.resolve(name);
                chains.add(at);
            }
        }
        for (var dir : chains) {
            var attributes = Files.readAttributes(dir, "unix:uid,gid,mode,nlink", LinkOption.NOFOLLOW_LINKS);
            var status = new FileStatus((int) attributes.get("mode"), (int) attributes.get("uid"),
                    (int) attributes.get("gid"), (int) attributes.get("nlink"));
            var why = status.isSymlink()
                    ? (status.uid() == 0 ? java.util.Optional.<String>empty() : java.util.Optional.of("a link not root's"))
                    : status.unsafeDirectory(self);
            if (why.isPresent()) {
                throw new IOException("'%s' (uid %d, mode %04o) is %s: a root daemon binds a unix socket only below "
                        .formatted(dir, status.uid(), status.mode() & 07777, why.get())
                        + "directories of root's that no one else may write in (or sticky ones)");
            }
        }
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
