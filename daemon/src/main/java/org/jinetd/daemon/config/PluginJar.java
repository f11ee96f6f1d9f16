package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * One plugin jar as it was when a table was read, and who holds it: the table being served,
 * and each connection (or datagram) its handlers serve. It is read from a private copy, made
 * when it is loaded and unlinked at once, so that the file in the plugin directory may be
 * rewritten, replaced or removed while connections still run its code, and no one else can
 * change what it runs.
 *
 * <p>Once the jar has changed or gone from the plugin directory, it is closed (its class
 * loader, and the copy's descriptor with it) when its last holder lets go. A holder that
 * comes too late, after that, gets a refusal rather than a closed jar.
 */
public final class PluginJar {
    /** A jar larger than this is refused: each loaded jar is copied whole. */
    static final long MOST_BYTES = 64L << 20;
    /** Copying a jar of {@link #MOST_BYTES} from a slow disk may take a while; a stuck file system may not stop reloads. */
    private static final Duration COPY_DEADLINE = Duration.ofSeconds(30);

    private final Path path;
    private final PluginLoader loader;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Guarded by this. */
    private int holders;
    /** Guarded by this: the plugin directory has another jar at this path now, or none. */
    private boolean replaced;
    /** Guarded by this: closed, or closing; no one takes a hold any more. */
    private boolean over;

    private PluginJar(Path path, PluginLoader loader) {
        this.path = path;
        this.loader = loader;
    }

    /**
     * The jar at {@code path}, copied, opened and checked now (a file that is no jar says so
     * here, not at its first class), in a class loader whose parent is {@code api}.
     */
    static PluginJar open(Path path, ClassLoader api) throws IOException {
        var name = path.getFileName().toString();
        var copy = Files.createTempFile("jinetd-plugin-" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "-", ".jar");
        try {
            SmallFile.copy(path, copy, MOST_BYTES, COPY_DEADLINE);
            JarFile jar;
            try {
                jar = new JarFile(copy.toFile(), true, ZipFile.OPEN_READ, Runtime.version());
            } catch (IOException | RuntimeException e) {
                throw new IOException("not a jar: " + e.getMessage(), e);
            }
            try {
                jar.getManifest();
            } catch (IOException | RuntimeException e) {
                jar.close();
                throw new IOException("not a jar: " + e.getMessage(), e);
            }
            return new PluginJar(path, new PluginLoader(name, api, jar, path.toUri().toURL()));
        } finally {
            // The open jar keeps its descriptor: the copy needs no name, and leaves nothing behind.
            Files.deleteIfExists(copy);
        }
    }

    /** Where it was read from. */
    public Path path() {
        return path;
    }

    /** Its class loader: the context class loader of its handlers' threads while they run. */
    public ClassLoader loader() {
        return loader;
    }

    /** Its file's name, for messages. */
    public String name() {
        return path.getFileName().toString();
    }

    /**
     * A hold on it, for the table that serves it or a connection it serves; false if it has been
     * closed already (then there is nothing to let go).
     */
    public synchronized boolean hold() {
        if (over) {
            return false;
        }
        holders++;
        return true;
    }

    /** Lets go of a hold taken with {@link #hold}; the last one closes a replaced jar. */
    public void release() {
        synchronized (this) {
            if (holders <= 0) {
                throw new IllegalStateException(name() + " is not held");
            }
            if (--holders > 0 || !replaced) {
                return;
            }
        }
        close();
    }

    /** The plugin directory no longer has this jar (it changed, or went): closed once no one holds it. */
    void replaced() {
        synchronized (this) {
            replaced = true;
            if (holders > 0) {
                return;
            }
        }
        close();
    }

    /** How many hold it now: the table that serves it (if one does) and its live connections. */
    public synchronized int holders() {
        return holders;
    }

    /** Completes when it is closed: its classes are gone, its copy's descriptor too. */
    public CompletableFuture<Void> closed() {
        return closed.copy();
    }

    private void close() {
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
        }
        try {
            loader.close();
        } catch (IOException e) {
            // A copy that fails to close has nothing left to give us.
        }
        closed.complete(null);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
