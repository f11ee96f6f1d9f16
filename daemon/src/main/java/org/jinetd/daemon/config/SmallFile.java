package org.jinetd.daemon.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A file the table names (the table, an include, a banner): a regular file of bounded size,
 * read with a deadline. A FIFO or a device would block or never end; a stuck network file
 * system would hang a reload.
 */
public final class SmallFile {
    /** Tables and included files. */
    public static final int TABLE_CAP = 1 << 20;
    /** Banner files: text sent to every client. */
    public static final int BANNER_CAP = 64 << 10;
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private SmallFile() {}

    /** The bytes of {@code file}, or an IOException whose message says why not, for a problem. */
    public static byte[] read(Path file, int cap) throws IOException {
        return read(file, cap, DEADLINE);
    }

    static byte[] read(Path file, int cap, Duration deadline) throws IOException {
        checked(file, cap);
        return within(file, cap, deadline);
    }

    /**
     * Copies {@code file}, a regular file of at most {@code cap} bytes, to {@code target}, with
     * the checks and the deadline of {@link #read}.
     */
    static void copy(Path file, Path target, long cap, Duration deadline) throws IOException {
        checked(file, cap);
        var copied = run(file, deadline, () -> {
            try (InputStream in = Files.newInputStream(file); var out = Files.newOutputStream(target)) {
                var buffer = new byte[64 << 10];
                long total = 0;
                for (int n; (n = in.read(buffer)) >= 0 && total <= cap; total += n) {
                    out.write(buffer, 0, n);
                }
                return total;
            }
        });
        if (copied > cap) {
            throw new IOException("too large: more than " + shown(cap));
        }
    }

    /** The type is checked before opening: opening a FIFO blocks until a writer comes. */
    private static void checked(Path file, long cap) throws IOException {
        var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IOException("not a regular file: " + kind(file));
        }
        if (attributes.size() > cap) {
            throw new IOException("too large: %d bytes, more than %s".formatted(attributes.size(), shown(cap)));
        }
    }

    /**
     * At most {@code cap} bytes of {@code file}, or an IOException at the deadline. The file may
     * be swapped for a FIFO after its check, or sit on a file system that never answers: the
     * read runs on a thread of its own, and we stop waiting for it.
     */
    static byte[] within(Path file, int cap, Duration deadline) throws IOException {
        var bytes = run(file, deadline, () -> {
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(cap + 1);
            }
        });
        if (bytes.length > cap) {
            throw new IOException("too large: more than " + shown(cap));
        }
        return bytes;
    }

    /** {@code work} on a thread of its own, waited for until the deadline. */
    private static <T> T run(Path file, Duration deadline, java.util.concurrent.Callable<T> work) throws IOException {
        var task = new FutureTask<>(work);
        var reader = Thread.ofVirtual().name("read " + file.getFileName()).start(task);
        try {
            return task.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            reader.interrupt();
            throw new IOException("no answer within " + (deadline.toMillis() % 1000 == 0
                    ? deadline.toSeconds() + "s" : deadline.toMillis() + "ms"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** What a file that is not a regular file is, for a message. */
    static String kind(Path file) {
        try {
            int mode = (int) Files.getAttribute(file, "unix:mode");
            return switch (mode & 0170000) {
                case 0040000 -> "a directory";
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "mode " + Integer.toOctalString(mode);
            };
        } catch (IOException | RuntimeException e) {
            return "not a regular file";
        }
    }

    private static String shown(long cap) {
        return cap % (1 << 20) == 0 ? cap / (1 << 20) + " MiB" : cap / 1024 + " KiB";
    }
}
