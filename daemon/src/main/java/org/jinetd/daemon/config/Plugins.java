package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The jars of a plugin directory ({@code plugins:}), each in a class loader of its own, so
 * that one jar's classes cannot clash with another's or the daemon's. A jar that did not
 * change since the last load keeps its loader (a reload does not open it again); a changed
 * one gets a new one, and the old one is closed once nothing holds it (see {@link PluginJar}).
 * One per daemon, so that reloads share it.
 */
public final class Plugins {
    /**
     * How a jar file looked when it was loaded. The inode and the change time are in it: a jar
     * rewritten in place with its old size and modification time (cp -p, rsync -t) is a new jar.
     */
    private record Stamp(Object key, long size, Object modified, Object changed) {
        static Stamp of(Path path) throws IOException {
            try {
                var a = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime,ctime");
                return new Stamp(List.of(a.get("dev"), a.get("ino")), (Long) a.get("size"), a.get("lastModifiedTime"),
                        a.get("ctime"));
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                var a = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
                return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime(), null);
            }
        }
    }

    private record Loaded(Stamp stamp, PluginJar jar) {}

    private final ClassLoader api = PluginLoader.apiOnly();
    private final Map<Path, Loaded> jars = new HashMap<>();

    /**
     * The jars in {@code dir} now, in name order. The directory and each jar are checked with
     * {@code trust} before any class loader is made; a jar that is not trusted, or cannot be
     * read or opened, is told to {@code problem} (what, expected) by its name and left out.
     * Jars loaded before that are no longer there as they were are let go.
     *
     * @throws IOException when the directory cannot be read
     */
    synchronized List<PluginJar> load(Path dir, Trust trust, BiConsumer<String, String> problem) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory");
        }
        var refusal = trust.refusal(dir);
        if (refusal.isPresent()) {
            problem.accept(refusal.get().what(), refusal.get().expected());
            return List.of();
        }
        List<Path> files;
        try (var list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        var found = new ArrayList<PluginJar>();
        var now = new HashMap<Path, Loaded>();
        for (var path : files) {
            var untrusted = trust.refusal(path);
            if (untrusted.isPresent()) {
                problem.accept(path.getFileName() + " " + untrusted.get().what(), untrusted.get().expected());
                continue;
            }
            try {
                var loaded = jar(path);
                now.put(path, loaded);
                found.add(loaded.jar());
            } catch (IOException e) {
                var why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : Unreadable.reason(e);
                problem.accept(path.getFileName() + ": " + why, "a readable jar of handler providers, "
                        + "a regular file of at most " + (PluginJar.MOST_BYTES >> 20) + " MiB");
            }
        }
        keepOnly(now);
        return found;
    }

    /** The table names no plugin directory: every jar loaded before is let go. */
    synchronized void none() {
        keepOnly(Map.of());
    }

    /** The jar at {@code path}: the one loaded before if the file has not changed since, else a new one. */
    private Loaded jar(Path path) throws IOException {
        // Taken before the copy, so that a change during it shows at the next reload; of the
        // file a link names, whose stamp is the one that changes.
        var stamp = Stamp.of(path);
        var before = jars.get(path);
        if (before != null && before.stamp().equals(stamp)) {
            return before;
        }
        return new Loaded(stamp, PluginJar.open(path, api));
    }

    /** Jars loaded before and not in {@code now} (changed, or gone) are closed once no one holds them. */
    private void keepOnly(Map<Path, Loaded> now) {
        for (var before : jars.values()) {
            var still = now.get(before.jar().path());
            if (still == null || still.jar() != before.jar()) {
                before.jar().replaced();
            }
        }
        jars.clear();
        jars.putAll(now);
    }
}
