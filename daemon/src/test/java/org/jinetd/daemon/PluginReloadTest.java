package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Plugins;
import org.jinetd.daemon.control.ControlMessages;
import org.jinetd.daemon.control.Signals;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.LogOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload reads the plugin directory again: a jar rewritten in place, a new one and one
 * removed. Connections already running keep the code they started with, even the classes it
 * loads only later; the old jar is closed when the last of them ends; a new connection gets
 * the new code; and a jar broken by the reload keeps the old table served.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PluginReloadTest {
    @TempDir
    Path dir;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Signals signals = new Signals();

    /**
     * Says {@code VERSION ready}, then answers each line with {@code VERSION:line}; the class
     * that answers is loaded at the first line only, from whatever the jar held when it was loaded.
     */
    private static Map<String, String> greeting(String version) {
        return Map.of("example.Greeting", """
                package example;
                import java.io.*;
                import java.nio.channels.Channels;
                import java.util.*;
                import java.util.function.UnaryOperator;
                import org.jinetd.handler.*;
                public final class Greeting implements HandlerProvider {
                    public String name() { return "greeting"; }
                    public Optional<StreamHandler> stream(Map<String, String> options) {
                        return Optional.of(c -> {
                            var in = new BufferedReader(Channels.newReader(c.channel(), "UTF-8"));
                            var out = new PrintWriter(Channels.newWriter(c.channel(), "UTF-8"), true);
                            out.println("VERSION ready");
                            for (String line; (line = in.readLine()) != null; ) {
                                try {
                                    @SuppressWarnings("unchecked")
                                    var later = (UnaryOperator<String>) Class.forName("example.Later")
                                            .getDeclaredConstructor().newInstance();
                                    out.println(later.apply(line));
                                } catch (ReflectiveOperationException e) {
                                    throw new IOException(e);
                                }
                            }
                        });
                    }
                }
                """.replace("VERSION", version), "example.Later", """
                package example;
                public final class Later implements java.util.function.UnaryOperator<String> {
                    public String apply(String line) { return "VERSION:" + line; }
                }
                """.replace("VERSION", version));
    }

    private static Map<String, String> named(String type, String name) {
        return Map.of("example." + type, """
                package example;
                import java.nio.ByteBuffer;
                import java.util.*;
                import org.jinetd.handler.*;
                public final class %s implements HandlerProvider {
                    public String name() { return "%s"; }
                    public Optional<StreamHandler> stream(Map<String, String> options) {
                        return Optional.of(c -> c.channel().write(ByteBuffer.wrap("%s".getBytes())));
                    }
                }
                """.formatted(type, name, name));
    }

    @Test
    void aReloadTakesChangedNewAndRemovedJarsAndRunningConnectionsKeepTheirCode() throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        var greeting = plugins.resolve("greeting.jar");
        Files.write(greeting, PluginJars.bytes(PluginJars.compile(greeting("v1")), "example.Greeting"));
        PluginJars.write(plugins.resolve("gone.jar"), named("Gone", "gone"), "example.Gone");
        int greet = TestDaemon.freePort();
        int extra = TestDaemon.freePort();
        var table = Files.writeString(dir.resolve("services.yaml"), """
                control_socket: none
                plugins: %s
                services:
                  greet: {bind: 127.0.0.1, port: %d, handler: greeting}
                """.formatted(plugins, greet));
        var running = start(table);
        try (var early = new Client(greet)) {
            assertEquals("v1 ready", early.line());
            assertEquals(1, copies("greeting"));
            assertEquals(1, copies("gone"));

            // In place: the same file, its bytes rewritten, as cp does.
            Files.write(greeting, PluginJars.bytes(PluginJars.compile(greeting("v2")), "example.Greeting"));
            PluginJars.write(plugins.resolve("extra.jar"), named("Extra", "extra"), "example.Extra");
            Files.delete(plugins.resolve("gone.jar"));
            Files.writeString(table, Files.readString(table)
                    + "  extra: {bind: 127.0.0.1, port: %d, handler: extra}\n".formatted(extra));
            var answer = reload();
            assertTrue(answer.ok(), answer.toString());

            // The running connection loads its next class from the jar as it was, not as it is.
            assertEquals("v1:hello", early.ask("hello"));
            try (var late = new Client(greet)) {
                assertEquals("v2 ready", late.line());
                assertEquals("v2:again", late.ask("again"));
            }
            assertEquals("extra", Clients.exchange(extra, ""));
            await("plugins: " + plugins.resolve("gone.jar") + " as loaded before is unloaded");
            assertEquals(0, copies("gone"));
            assertTrue(lines.contains("plugins: " + greeting + " was replaced or removed; 1 connection still on its old code"),
                    lines.toString());
            assertEquals(2, copies("greeting"), "the old copy is open while a connection runs its code");
            assertEquals("v1:still", early.ask("still"));
        }
        await("plugins: " + greeting + " as loaded before is unloaded");
        assertEquals(1, copies("greeting"), "the old copy is closed once its last connection has ended");
        try (var next = new Client(greet)) {
            assertEquals("v2 ready", next.line());
        }
        stop(running);
    }

    @Test
    void aJarBrokenByAReloadKeepsTheOldTableAndItsCodeServed() throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        var jar = plugins.resolve("steady.jar");
        Files.write(jar, PluginJars.bytes(PluginJars.compile(greeting("v1")), "example.Greeting"));
        int greet = TestDaemon.freePort();
        var table = Files.writeString(dir.resolve("services.yaml"), """
                control_socket: none
                plugins: %s
                services:
                  greet: {bind: 127.0.0.1, port: %d, handler: greeting}
                """.formatted(plugins, greet));
        var running = start(table);
        try (var early = new Client(greet)) {
            assertEquals("v1 ready", early.line());
            Files.writeString(jar, "not a jar any more");
            var answer = reload();
            assertFalse(answer.ok());
            // The jar is named, and so is the service that needs it.
            assertEquals(List.of(table + ":2:10: plugins '" + plugins + "': steady.jar: not a jar: zip END header "
                    + "not found (expected a readable jar of handler providers, a regular file of at most 64 MiB)",
                    table + ":4:50: handler 'greeting' is not known (expected one of: chargen, daytime, discard, echo, "
                            + "http, misbehaving, peer-report, replying, time)"), answer.problems());
            assertEquals("v1:first", early.ask("first"));
            try (var late = new Client(greet)) {
                assertEquals("v1 ready", late.line());
                assertEquals("v1:second", late.ask("second"));
            }
        }
        // The jar that is served stays open: it is the table's, not only its connections'.
        assertEquals(1, copies("steady"));
        try (var again = new Client(greet)) {
            assertEquals("v1 ready", again.line());
        }
        stop(running);
    }

    /** A line-by-line client of the greeting service. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final PrintWriter out;

        Client(int port) throws IOException {
            socket = Clients.connect(port);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        String line() throws IOException {
            return in.readLine();
        }

        String ask(String question) throws IOException {
            out.println(question);
            return line();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Open descriptors of this JVM on private copies of the plugin jar {@code name}.jar. */
    private static long copies(String name) throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "";
                }
            }).filter(target -> target.contains("/jinetd-plugin-" + name + ".jar-")).count();
        }
    }

    private CompletableFuture<Supervisor.Outcome> start(Path table) throws InterruptedException {
        var supervisor = new Supervisor(Config.forThisHost(new Plugins())::read, table, new ConnectionLog(line -> {
            synchronized (lines) {
                lines.add(line);
                lines.notifyAll();
            }
        }), signals, new LogOutput(java.io.OutputStream.nullOutputStream(), false, "/nonexistent/journal",
                "/nonexistent/log", org.jinetd.daemon.os.AppendFile.ANY));
        var running = TestDaemon.running(supervisor);
        await("ready:");
        return running;
    }

    private ControlMessages.Reply reload() throws Exception {
        var reply = new CompletableFuture<ControlMessages.Reply>();
        signals.request(new Signals.Request.Reload("jinetd reload", reply));
        return reply.get(30, TimeUnit.SECONDS);
    }

    private void stop(CompletableFuture<Supervisor.Outcome> running) throws Exception {
        signals.request(new Signals.Request.Stop("SIGTERM"));
        assertInstanceOf(Supervisor.Outcome.Stopped.class, running.get(20, TimeUnit.SECONDS));
    }

    /** Waits (up to 10 s) for a log line that starts with {@code line}. */
    private void await(String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (lines) {
            while (lines.stream().noneMatch(l -> l.startsWith(line))) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, "no log line '" + line + "' within 10 s: " + lines);
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
