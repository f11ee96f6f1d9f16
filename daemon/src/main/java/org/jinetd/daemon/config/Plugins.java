package org.jinetd.daemon.config;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;

/**
 * The jars of a plugin directory ({@code plugins:}), each in a class loader of its own, so
 * that one jar's classes cannot clash with another's. A jar that did not change since the
 * last load keeps its loader (a reload does not open it again); a changed one gets a new
 * one. One per daemon, so that reloads share it.
 */
public final class Plugins {
    /**
     * A plugin jar, loaded or not; one that is not trusted is never opened (its refusal says
     * why), so none of its code runs.
     */
    record Jar(Path path, ClassLoader loader, Optional<String> failure, Optional<Trust.Refusal> refusal) {
        Jar(Path path, ClassLoader loader, Optional<String> failure) {
            this(path, loader, failure, Optional.empty());
        }
    }

    private record Stamp(long size, FileTime modified) {}

    private final Map<Path, Jar> jars = new HashMap<>();
    private final Map<Path, Stamp> stamps = new HashMap<>();

    /**
     * The jars in {@code dir} now, in name order; a problem when the directory cannot be read.
     * The directory and each jar are checked with {@code trust} before any class loader is made.
     */
    synchronized List<Jar> load(Path dir, Trust trust) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory");
        }
        var refusal = trust.refusal(dir);
        if (refusal.isPresent()) {
            return List.of(new Jar(dir, null, Optional.of(refusal.get().what()), refusal));
        }
        List<Path> files;
        try (var list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        return files.stream().map(path -> {
            var untrusted = trust.refusal(path);
            return untrusted.isPresent()
                    ? new Jar(path, null, Optional.of(untrusted.get().what()),
                            Optional.of(new Trust.Refusal(path.getFileName() + " " + untrusted.get().what(),
                                    untrusted.get().expected())))
                    : jar(path);
        }).toList();
    }

    private Jar jar(Path path) {
        Stamp stamp;
        try {
            stamp = new Stamp(Files.size(path), Files.getLastModifiedTime(path));
        } catch (IOException e) {
            return new Jar(path, null, Optional.of("cannot read: " + YamlReader.reason(e)));
        }
        if (stamp.equals(stamps.get(path))) {
            return jars.get(path);
        }
        Jar jar;
        try (var check = new JarFile(path.toFile())) {
            // Opened once here so that a jar that is no jar says so now, not at its first class.
            check.getManifest();
            var loader = new URLClassLoader("plugin " + path.getFileName(), new java.net.URL[] {path.toUri().toURL()},
                    Plugins.class.getClassLoader());
            jar = new Jar(path, loader, Optional.empty());
        } catch (IOException | RuntimeException e) {
            jar = new Jar(path, null, Optional.of("not a jar: " + e.getMessage()));
        }
        jars.put(path, jar);
        stamps.put(path, stamp);
        return jar;
    }
}
