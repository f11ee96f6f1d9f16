package org.jinetd.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;

/**
 * Real plugin jars for tests: Java sources compiled here, against the handler API on this
 * JVM's class path, and packed with the list of their providers, as a handler's build would.
 */
public final class PluginJars {
    private PluginJars() {}

    /**
     * Compiles {@code sources} (class name to source) and writes their classes to {@code jar},
     * listing {@code providers} in {@code META-INF/services}; none listed, no such file.
     */
    public static Path write(Path jar, Map<String, String> sources, String... providers) throws IOException {
        return pack(jar, compile(sources), providers);
    }

    /** The classes of {@code sources}, by entry name ({@code example/Shout.class}). */
    public static Map<String, byte[]> compile(Map<String, String> sources) throws IOException {
        var work = Files.createTempDirectory("plugin-src");
        try {
            var files = new ArrayList<String>();
            for (var source : sources.entrySet()) {
                var file = work.resolve("src").resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                files.add(file.toString());
            }
            var classes = Files.createDirectories(work.resolve("classes"));
            var args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                    "-proc:none", "-Xlint:none"));
            args.addAll(files);
            var errors = new ByteArrayOutputStream();
            int rc = ToolProvider.getSystemJavaCompiler().run(null, null, new PrintStream(errors, true,
                    StandardCharsets.UTF_8), args.toArray(String[]::new));
            if (rc != 0) {
                throw new IOException("javac failed:\n" + errors.toString(StandardCharsets.UTF_8));
            }
            var out = new LinkedHashMap<String, byte[]>();
            try (var all = Files.walk(classes)) {
                for (var file : all.filter(Files::isRegularFile).sorted().toList()) {
                    out.put(classes.relativize(file).toString(), Files.readAllBytes(file));
                }
            }
            return out;
        } finally {
            try (var all = Files.walk(work)) {
                for (var file : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** Writes {@code entries} to {@code jar}, with {@code providers} listed in META-INF/services. */
    public static Path pack(Path jar, Map<String, byte[]> entries, String... providers) throws IOException {
        var all = new LinkedHashMap<>(entries);
        if (providers.length > 0) {
            all.put("META-INF/services/org.jinetd.handler.HandlerProvider",
                    (String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        // Written beside it and moved into place unless told otherwise: a reader never sees half a jar.
        var part = jar.resolveSibling(jar.getFileName() + ".part");
        try (var out = new JarOutputStream(Files.newOutputStream(part))) {
            for (var entry : all.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
            }
        }
        return Files.move(part, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The bytes of a jar of {@code entries}, for a test that writes them itself (in place, cut, ...). */
    public static byte[] bytes(Map<String, byte[]> entries, String... providers) throws IOException {
        var dir = Files.createTempDirectory("plugin-jar");
        try {
            var jar = pack(dir.resolve("x.jar"), entries, providers);
            var bytes = Files.readAllBytes(jar);
            Files.delete(jar);
            return bytes;
        } finally {
            Files.delete(dir);
        }
    }
}
