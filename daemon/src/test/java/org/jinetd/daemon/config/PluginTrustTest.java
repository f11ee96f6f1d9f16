package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root daemon opens no plugin jar, and no plugin directory, that someone else could have
 * written; and a plugin's failure while the table is read is a problem, not the daemon's end.
 */
class PluginTrustTest {
    @TempDir
    Path dir;

    /** A provider that leaves a mark when its class is loaded: the proof that its code ran. */
    private static final String MARKING = """
            package example;
            import java.util.*;
            import org.jinetd.handler.*;
            public final class Marking implements HandlerProvider {
                static {
                    try { java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), "ran"); }
                    catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
                }
                public String name() { return "marking"; }
                public Optional<StreamHandler> stream(Map<String, String> options) { return Optional.of(c -> { }); }
            }
            """;

    /** A provider whose handler fails with an Error, not an exception, when a table names it. */
    private static final String FAILING = """
            package example;
            import java.util.*;
            import org.jinetd.handler.*;
            public final class Failing implements HandlerProvider {
                public String name() { return "failing"; }
                public Optional<StreamHandler> stream(Map<String, String> options) { throw new Error("boom"); }
            }
            """;

    private Path markingJar(Path plugins, Path mark) throws Exception {
        return jar(plugins, "Marking", MARKING.formatted(mark));
    }

    /** Compiles {@code example.NAME} against the handler API and packs it as a plugin jar. */
    private Path jar(Path plugins, String name, String source) throws Exception {
        var sources = Files.createDirectories(dir.resolve("src/example"));
        Files.writeString(sources.resolve(name + ".java"), source);
        var classes = Files.createDirectories(dir.resolve("classes"));
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), sources.resolve(name + ".java").toString());
        assertEquals(0, rc);
        var jar = plugins.resolve(name.toLowerCase(java.util.Locale.ROOT) + ".jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("example/" + name + ".class"));
            out.write(Files.readAllBytes(classes.resolve("example/" + name + ".class")));
            out.putNextEntry(new JarEntry("META-INF/services/org.jinetd.handler.HandlerProvider"));
            out.write(("example." + name + "\n").getBytes());
        }
        return jar;
    }

    @Test
    void aPluginThatThrowsAnErrorIsAProblemOfTheTable() throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        jar(plugins, "Failing", FAILING);
        var table = Files.writeString(dir.resolve("services.yaml"), """
                plugins: %s
                services:
                  f: {bind: 127.0.0.1, port: 7101, handler: failing}
                """.formatted(plugins));
        assertEquals(List.of(table + ":1:1: cannot read: java.lang.Error: boom"), problems(load(table)));
    }

    private Loaded load(Path table) {
        return new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(table);
    }

    private static List<String> problems(Loaded loaded) {
        return assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream().map(Problem::toString).toList();
    }

    @Test
    void anUntrustedJarIsRefusedBeforeAnyOfItsCodeRuns() throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        var mark = dir.resolve("ran");
        var jar = markingJar(plugins, mark);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-r--"));
        var table = Files.writeString(dir.resolve("services.yaml"), """
                plugins: %s
                services:
                  m: {bind: 127.0.0.1, port: 7101, handler: echo}
                """.formatted(plugins));
        assertEquals(List.of(table + ":1:10: plugins '" + plugins + "': marking.jar not trusted: owned by uid 0 (root), "
                + "mode 0664: group-writable (expected owned by root, writable by root only; fix with chown root:root "
                + "and chmod go-w)"), problems(load(table)));
        assertTrue(Files.notExists(mark), "the untrusted jar's code ran");

        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(List.of(table + ":1:10: plugins '" + plugins + "': not trusted: owned by uid 0 (root), mode 0777: "
                + "group- and other-writable (expected owned by root, writable by root only; fix with chown root:root "
                + "and chmod go-w)"), problems(load(table)));
        assertTrue(Files.notExists(mark), "a jar in an untrusted directory ran");

        // Trusted, the same jar loads: the mark shows this test would see its code run.
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        var loaded = load(table);
        assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString);
        assertTrue(Files.exists(mark));
    }
}
