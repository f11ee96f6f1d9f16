package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jinetd.daemon.os.FileStatus;

/**
 * Whether a file that decides what root runs (the table, an include, a banner, the plugin
 * directory and its jars) can be trusted, as sshd's StrictModes decides: it and every
 * directory above it are owned by root (or the daemon's own user) and writable by no one
 * else. A directory with the sticky bit, such as /tmp, may be writable by others: they
 * cannot replace what root put there. Both the path as written (each symlink on it must be
 * trusted too) and the path it resolves to are checked, so no one else can change what it
 * names between the check and the read.
 */
final class Trust {
    /** A daemon that is not root checks nothing: it runs nothing that its user could not. */
    static final Trust NONE = new Trust(-1, false);

    private final int self;
    private final boolean checks;

    private Trust(int self, boolean checks) {
        this.self = self;
        this.checks = checks;
    }

    /** Files must be owned by root or {@code self}, and writable by their owner only. */
    Trust(int self) {
        this(self, true);
    }

    /** The rule for a daemon running as {@code selfUid}: strict for root, none otherwise. */
    static Trust forDaemon(int selfUid) {
        return selfUid == 0 ? new Trust(0) : NONE;
    }

    /**
     * Why {@code path} is not trusted, for a problem: "not trusted: ..." with the fix as its
     * expected part; empty when it is. A directory at the end of the path (a plugin directory)
     * must not be writable by others even with the sticky bit: anyone could add to it.
     */
    Optional<Refusal> refusal(Path path) {
        if (!checks) {
            return Optional.empty();
        }
        try {
            var written = path.toAbsolutePath();
            var real = path.toRealPath();
            return firstRefusal(written, real, p -> p.equals(written) || p.equals(real));
        } catch (IOException | RuntimeException e) {
            return Optional.of(new Refusal("not trusted: cannot check it: " + Unreadable.reason(
                    e instanceof IOException io ? io : new IOException(e.toString())), expected(null)));
        }
    }

    /**
     * Why a file that root makes at {@code path} (a unix socket, which it also replaces at
     * start and deletes at stop) is not safe to make there: a directory above it that someone
     * else owns, or may write in without the sticky bit, could be swapped for a link, and root
     * would replace or delete a file of that name wherever the link points. The rule of the log
     * file's directories; a directory not made yet is judged by the nearest one above it.
     */
    Optional<Refusal> placeRefusal(Path path) {
        if (!checks) {
            return Optional.empty();
        }
        var at = path.toAbsolutePath().getParent();
        while (at != null && !Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
            at = at.getParent();
        }
        if (at == null) {
            return Optional.empty();
        }
        try {
            var refused = firstRefusal(at, at.toRealPath(), p -> false);
            if (refused.isEmpty()) {
                // The bind's own look, a name at a time: a link of another user's reached
                // only through a link of root's is on neither path above.
                try {
                    org.jinetd.daemon.os.SocketFile.resolvePlace(at, self);
                } catch (IOException e) {
                    return Optional.of(new Refusal("not trusted: " + e.getMessage(), expected(null)));
                }
            }
            return refused;
        } catch (IOException | RuntimeException e) {
            return Optional.of(new Refusal("not trusted: cannot check the directories above it: " + Unreadable.reason(
                    e instanceof IOException io ? io : new IOException(e.toString())), expected(null)));
        }
    }

    /** What is wrong and how to fix it. */
    record Refusal(String what, String expected) {}

    /** The first refusal along {@code written}, then along {@code real}, from the root down. */
    private Optional<Refusal> firstRefusal(Path written, Path real, java.util.function.Predicate<Path> target)
            throws IOException {
        var chains = new ArrayList<Path>(prefixes(written));
        chains.addAll(prefixes(real));
        for (var p : chains) {
            var why = refusalOf(p, target.test(p));
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    private static List<Path> prefixes(Path absolute) {
        var out = new ArrayList<Path>();
        var at = absolute.getRoot();
        out.add(at);
        for (var name : absolute) {
            at = at.resolve(name);
            out.add(at);
        }
        return out;
    }

    private Optional<Refusal> refusalOf(Path p, boolean target) throws IOException {
        var status = FileStatus.of(p, LinkOption.NOFOLLOW_LINKS);
        int uid = status.uid();
        int mode = status.mode();
        boolean link = status.isSymlink();
        String why = null;
        if (status.isDirectory() && !target) {
            // The rule the log file's directories are held to as well.
            why = status.unsafeDirectory(self).orElse(null);
        } else if (uid != 0 && uid != self) {
            why = "not owned by " + owners();
        } else if (!link && (mode & 0022) != 0) {
            why = status.writable();
        }
        if (why == null) {
            return Optional.empty();
        }
        var kind = link ? "symlink " + p + " is " : target ? "" : "directory " + p + " is ";
        var what = "not trusted: %sowned by uid %d (%s), mode %04o: %s".formatted(kind, uid, name(p), mode & 07777, why);
        return Optional.of(new Refusal(what, expected(target && !link ? null : p)));
    }

    private String owners() {
        return self == 0 ? "root" : "root or uid " + self;
    }

    private String expected(Path other) {
        var fix = other == null ? "chown root:root and chmod go-w" : "chown root:root " + other + " and chmod go-w " + other;
        return "owned by " + owners() + ", writable by " + (self == 0 ? "root" : "its owner") + " only; fix with " + fix;
    }

    private static String name(Path p) {
        try {
            return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
