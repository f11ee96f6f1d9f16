package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.log.ConnectionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Handler jars in the plugin directory: each in its own class loader; a broken one harms only its users. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PluginTest {
    @TempDir
    Path dir;

    private static final String SHOUT = """
            package example;
            import java.nio.ByteBuffer;
            import java.util.*;
            import org.jinetd.handler.*;
            public final class Shout implements HandlerProvider {
                public String name() { return "shout"; }
                public Optional<StreamHandler> stream(Map<String, String> options) {
                    return Optional.of(c -> {
                        var buffer = ByteBuffer.allocate(1024);
                        while (c.channel().read(buffer) >= 0) { }
                        var text = new String(buffer.array(), 0, buffer.position()).toUpperCase();
                        c.channel().write(ByteBuffer.wrap(text.getBytes()));
                    });
                }
            }
            """;

    /** Compiles {@code Shout} against the handler API and packs it as a plugin jar. */
    private Path shoutJar(Path plugins) throws Exception {
        var sources = Files.createDirectories(dir.resolve("src/example"));
        Files.writeString(sources.resolve("Shout.java"), SHOUT);
        var classes = Files.createDirectories(dir.resolve("classes"));
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), sources.resolve("Shout.java").toString());
        assertEquals(0, rc);
        var jar = plugins.resolve("shout.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("example/Shout.class"));
            out.write(Files.readAllBytes(classes.resolve("example/Shout.class")));
            out.putNextEntry(new JarEntry("META-INF/services/org.jinetd.handler.HandlerProvider"));
            out.write("example.Shout\n".getBytes());
        }
        return jar;
    }

    @Test
    void aPluginsHandlerServesAndABrokenJarIsAnErrorForItsUsersOnly() throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        shoutJar(plugins);
        Files.writeString(plugins.resolve("broken.jar"), "this is not a jar");
        var table = dir.resolve("services.yaml");
        Files.writeString(table, """
                plugins: %s
                services:
                  loud: {bind: 127.0.0.1, port: %d, handler: shout}
                  byclass: {bind: 127.0.0.1, port: %d, handler: example.Shout}
                  echo: {bind: 127.0.0.1, port: %d, handler: echo}
                """.formatted(plugins, TestDaemon.freePort(), TestDaemon.freePort(), TestDaemon.freePort()));
        var loaded = assertInstanceOf(Loaded.Ok.class, Config.load(table));
        try (var daemon = Daemon.start(loaded.table(), new ConnectionLog())) {
            var loud = ((java.net.InetSocketAddress) daemon.address("loud").orElseThrow()).getPort();
            var byClass = ((java.net.InetSocketAddress) daemon.address("byclass").orElseThrow()).getPort();
            assertEquals("HELLO", Clients.exchange(loud, "hello"));
            assertEquals("AGAIN", Clients.exchange(byClass, "again"));
        }
        Files.writeString(table, Files.readString(table).replace("handler: shout", "handler: whisper"));
        var bad = assertInstanceOf(Loaded.Bad.class, Config.load(table));
        assertEquals(1, bad.problems().size());
        var problem = bad.problems().getFirst().toString();
        assertTrue(problem.startsWith(table + ":3:49: handler 'whisper' is not known (expected one of: chargen, daytime, "
                + "discard, echo, misbehaving, replying, shout, time; " + plugins.resolve("broken.jar") + " could not be loaded: "
                + "not a jar: "), problem);
    }
}
