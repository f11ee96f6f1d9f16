package org.jinetd.daemon.config;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One item of {@code include:}, resolved against the including table's directory: a file, or
 * a glob of file names in one directory ({@code conf.d/*.yaml}). The one place that says
 * which files an include names: the reader expands it, and import asks whether it names the
 * file it writes.
 *
 * @param dir  the directory of the files it names
 * @param name a file name, or a glob of file names
 */
public record IncludePattern(Path dir, String name) {
    /** {@code written} as the table at {@code including} means it; empty where it is no path (a NUL). */
    public static Optional<IncludePattern> of(Path including, String written) {
        try {
            var full = including.toAbsolutePath().getParent().resolve(written);
            var name = full.getFileName() == null ? "" : full.getFileName().toString();
            return Optional.of(new IncludePattern(full.getParent() == null ? full : full.getParent(), name));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** Whether it is a glob, not one file's name. */
    public boolean glob() {
        return name.contains("*") || name.contains("?") || name.contains("[");
    }

    /** The file it names, when it is no glob. */
    Path path() {
        return dir.resolve(name);
    }

    /** Whether {@code file} is one of the files it names (compared as absolute, normalized paths). */
    public boolean names(Path file) {
        var absolute = file.toAbsolutePath().normalize();
        if (absolute.getParent() == null || !absolute.getParent().equals(dir.normalize())) {
            return false;
        }
        var own = absolute.getFileName();
        return glob() ? FileSystems.getDefault().getPathMatcher("glob:" + name).matches(own)
                : own.toString().equals(Path.of(name).normalize().toString());
    }

    /** The matcher of the file names of a glob. */
    java.nio.file.PathMatcher matcher() {
        return FileSystems.getDefault().getPathMatcher("glob:" + name);
    }
}
