package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.Problem;
import org.jinetd.daemon.log.ConnectionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handler jars in the plugin directory: each in its own class loader, which sees the handler
 * API and the JDK and nothing else of the daemon; a library a plugin bundles is its own.
 */
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

    /**
     * A handler that reads a line of class names and answers, for each, where its class
     * loader finds it: {@code own} (its jar), {@code daemon} (the handler API), {@code jdk},
     * or {@code none}; and for {@code context}, whether its thread's context loader is its own.
     */
    private static final String PROBE = """
            package example;
            import java.nio.ByteBuffer;
            import java.nio.charset.StandardCharsets;
            import java.util.*;
            import org.jinetd.handler.*;
            public final class NAME implements HandlerProvider {
                public String name() { return "LOWER"; }
                public Optional<StreamHandler> stream(Map<String, String> options) {
                    return Optional.of(c -> {
                        var in = new java.io.BufferedReader(java.nio.channels.Channels.newReader(c.channel(), StandardCharsets.UTF_8));
                        var out = new StringBuilder();
                        for (var name : in.readLine().split(" ")) {
                            out.append(name).append('=').append(where(name)).append('\\n');
                        }
                        c.channel().write(ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)));
                    });
                }
                static String where(String name) {
                    var own = NAME.class.getClassLoader();
                    if (name.equals("context")) {
                        return Thread.currentThread().getContextClassLoader() == own ? "own" : "other";
                    }
                    try {
                        var loader = Class.forName(name).getClassLoader();
                        return loader == own ? "own" : loader == HandlerProvider.class.getClassLoader() ? "daemon"
                                : loader == null || loader == ClassLoader.getPlatformClassLoader() ? "jdk" : "other";
                    } catch (ClassNotFoundException e) {
                        return "none";
                    }
                }
            }
            """;

    /** A class of a name the daemon has too (Jackson's), bundled by a plugin. */
    private static final String OWN_MAPPER = """
            package com.fasterxml.jackson.databind;
            public class ObjectMapper { }
            """;

    private static Map<String, String> probe(String name) {
        return Map.of("example." + name, PROBE.replace("LOWER", name.toLowerCase(java.util.Locale.ROOT))
                .replace("NAME", name));
    }

    @Test
    void aPluginsHandlerServesByItsNameAndItsClassName() throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.write(plugins.resolve("shout.jar"), Map.of("example.Shout", SHOUT), "example.Shout");
        var table = TestDaemon.write("""
                plugins: %s
                services:
                  loud: {bind: 127.0.0.1, handler: shout}
                  byclass: {bind: 127.0.0.1, handler: example.Shout}
                  echo: {bind: 127.0.0.1, handler: echo}
                """.formatted(plugins));
        var loaded = assertInstanceOf(Loaded.Ok.class, Config.load(table));
        try (var daemon = Daemon.start(loaded.table(), new ConnectionLog())) {
            var loud = ((java.net.InetSocketAddress) daemon.address("loud").orElseThrow()).getPort();
            var byClass = ((java.net.InetSocketAddress) daemon.address("byclass").orElseThrow()).getPort();
            assertEquals("HELLO", Clients.exchange(loud, "hello"));
            assertEquals("AGAIN", Clients.exchange(byClass, "again"));
        }
    }

    @Test
    void aPluginSeesTheHandlerApiAndTheJdkOnlyAndKeepsWhatItBundles() throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.write(plugins.resolve("probe.jar"), probe("Probe"), "example.Probe");
        var bundled = new java.util.HashMap<>(probe("Bundled"));
        bundled.put("com.fasterxml.jackson.databind.ObjectMapper", OWN_MAPPER);
        PluginJars.write(plugins.resolve("bundled.jar"), bundled, "example.Bundled");
        try (var d = TestDaemon.start("""
                plugins: %s
                services:
                  probe: {bind: 127.0.0.1, handler: probe}
                  bundled: {bind: 127.0.0.1, handler: bundled}
                """.formatted(plugins))) {
            var names = "com.fasterxml.jackson.databind.ObjectMapper org.jinetd.daemon.Supervisor "
                    + "org.jinetd.daemon.config.Plugins org.slf4j.LoggerFactory picocli.CommandLine "
                    + "org.yaml.snakeyaml.Yaml org.jinetd.builtin.Echo example.Bundled org.jinetd.handler.Connection "
                    + "java.lang.String java.net.http.HttpClient context\n";
            assertEquals(List.of("com.fasterxml.jackson.databind.ObjectMapper=none", "org.jinetd.daemon.Supervisor=none",
                    "org.jinetd.daemon.config.Plugins=none", "org.slf4j.LoggerFactory=none", "picocli.CommandLine=none",
                    "org.yaml.snakeyaml.Yaml=none", "org.jinetd.builtin.Echo=none", "example.Bundled=none",
                    "org.jinetd.handler.Connection=daemon", "java.lang.String=jdk", "java.net.http.HttpClient=jdk",
                    "context=own"), Clients.exchange(d.port("probe"), names).lines().toList());
            assertEquals(List.of("com.fasterxml.jackson.databind.ObjectMapper=own", "example.Probe=none", "context=own"),
                    Clients.exchange(d.port("bundled"),
                            "com.fasterxml.jackson.databind.ObjectMapper example.Probe context\n").lines().toList());
        }
    }

    @Test
    void aJarThatIsNoJarIsAnErrorOfTheTableThatNamesItEvenWhenNoServiceUsesIt() throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.write(plugins.resolve("shout.jar"), Map.of("example.Shout", SHOUT), "example.Shout");
        Files.writeString(plugins.resolve("broken.jar"), "this is not a jar");
        var table = Files.writeString(dir.resolve("services.yaml"), """
                plugins: %s
                services:
                  loud: {bind: 127.0.0.1, port: 7101, handler: shout}
                """.formatted(plugins));
        var bad = assertInstanceOf(Loaded.Bad.class, Config.load(table));
        assertEquals(List.of(table + ":1:10: plugins '" + plugins + "': broken.jar: not a jar: zip END header not found "
                + "(expected a readable jar of handler providers, a regular file of at most 64 MiB)"),
                bad.problems().stream().map(Problem::toString).toList());
    }
}
