package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Why a file the table names could not be read, in a few words for a problem. The JDK's
 * {@link AccessDeniedException} and {@link NoSuchFileException} carry the path alone as
 * their message, which a problem that names the file already says.
 */
final class Unreadable {
    private Unreadable() {}

    static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException _ -> "permission denied to uid " + Accounts.self();
            case NoSuchFileException _ -> "no such file";
            case NotDirectoryException _ -> "a part of the path is not a directory";
            case FileSystemLoopException _ -> "a loop of symbolic links";
            case FileSystemException f when f.getReason() != null -> lower(f.getReason());
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    /** What to do about a file ({@code what}: "file", "directory") this process may not read. */
    static String fix(String what) {
        int uid = Accounts.self();
        return uid == 0
                ? "a " + what + " root may read: mind the modes of it and of each directory above it (this process "
                        + "has no CAP_DAC_OVERRIDE to pass them)"
                : "a " + what + " uid " + uid + " may read: mind the modes of it and of each directory above it, "
                        + "or run as root";
    }

    private static String lower(String reason) {
        return reason.isEmpty() ? reason : reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }
}
