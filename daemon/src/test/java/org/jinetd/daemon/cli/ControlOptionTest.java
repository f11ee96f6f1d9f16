package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** status, reload and stop read the table for its control_socket alone: nothing it names is loaded or run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlOptionTest {
    @TempDir
    Path dir;

    /** A plugin whose provider, once its class is initialised, leaves a marker file. */
    private Path markingPlugin(Path marker) throws Exception {
        var sources = Files.createDirectories(dir.resolve("src/example"));
        Files.writeString(sources.resolve("Marks.java"), """
                package example;
                import java.util.*;
                import org.jinetd.handler.*;
                public final class Marks implements HandlerProvider {
                    static {
                        try {
                            java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), "ran");
                        } catch (java.io.IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    public String name() { return "marks"; }
                }
                """.formatted(marker).replace("UncheckedIOException", "java.io.UncheckedIOException"));
        var classes = Files.createDirectories(dir.resolve("classes"));
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), sources.resolve("Marks.java").toString());
        assertEquals(0, rc);
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        try (var out = new JarOutputStream(Files.newOutputStream(plugins.resolve("marks.jar")))) {
            out.putNextEntry(new JarEntry("example/Marks.class"));
            out.write(Files.readAllBytes(classes.resolve("example/Marks.class")));
            out.putNextEntry(new JarEntry("META-INF/services/org.jinetd.handler.HandlerProvider"));
            out.write("example.Marks\n".getBytes());
        }
        return plugins;
    }

    @Test
    void theControlCommandsLoadNoPlugin() throws Exception {
        var marker = dir.resolve("marker");
        var socket = dir.resolve("control.sock");
        var table = dir.resolve("services.yaml");
        Files.writeString(table, """
                plugins: %s
                control_socket: %s
                services:
                  echo: {bind: 127.0.0.1, port: 7, handler: echo}
                """.formatted(markingPlugin(marker), socket));
        for (var command : new String[] {"status", "reload", "stop"}) {
            var r = Cli.run(command, "-c", table.toString());
            assertEquals(4, r.code(), r.err());
            assertTrue(r.err().startsWith("jinetd: no jinetd answers on " + socket + " "), r.err());
        }
        assertFalse(Files.exists(marker), "a plugin's code ran");
        // The same table, read as run reads it, does run the plugin's code: the marker is real.
        Cli.run("check", "-c", table.toString());
        assertTrue(Files.exists(marker));
    }

    @Test
    void aTableThatIsNotARegularFileIsNotRead() throws Exception {
        var fifo = dir.resolve("services.yaml");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // Opening a FIFO would wait for a writer for ever; the default path is asked instead.
        assertEquals(java.util.Optional.empty(), ControlOption.written(fifo));
    }

    /**
     * The parser is spared only where the key cannot be written: the key escaped, in a flow
     * map, quoted or as an explicit key is found all the same.
     */
    @Test
    void theKeyIsFoundHoweverItIsWrittenAndATableWithoutItNeedsNoParser() throws Exception {
        var socket = dir.resolve("control.sock");
        var table = dir.resolve("services.yaml");
        for (var written : java.util.List.of("control_socket: %s\n", "\"control\\u005fsocket\": %s\n",
                "\"control\\x5Fsocket\": %s\n", "\"\\U00000063ontrol_socket\": %s\n",
                "? \"control_\\\n  socket\"\n: %s\n", "? \"control_\\\r\n  socket\"\r\n: %s\r\n",
                "a: \"tab\\t\"\n\"control\\x5fsocket\": %s\n",
                "{'control_socket': %s, services: {}}\n", "# a table\n? control_socket\n: %s\n")) {
            Files.writeString(table, written.formatted(socket));
            assertTrue(ControlOption.mayName(Files.readAllBytes(table)), written);
            assertEquals(java.util.Optional.of(socket), ControlOption.written(table), written);
        }
        Files.writeString(table, "defaults: {bind: 127.0.0.1}\nservices:\n  echo: {port: 7, handler: echo}\n");
        assertFalse(ControlOption.mayName(Files.readAllBytes(table)));
        assertEquals(java.util.Optional.empty(), ControlOption.written(table));
        // Escapes that make no letter need no parser: the example table has some.
        Files.writeString(table, """
                services:
                  hello: {port: 7, exec: [/bin/sh, -c, 'printf "hi\\n"'], banner_fail: "busy\\t\\"x\\"\\\\\\n"}
                """);
        assertFalse(ControlOption.mayName(Files.readAllBytes(table)));
        assertFalse(ControlOption.mayName(Files.readAllBytes(Path.of("../conf/services.yaml"))));
        assertEquals(java.util.Optional.empty(), ControlOption.written(table));
    }

    @Test
    void aTableOverOneMebibyteIsNotRead() throws Exception {
        var socket = dir.resolve("control.sock");
        var table = dir.resolve("services.yaml");
        Files.writeString(table, "control_socket: %s\n# %s\n".formatted(socket, "x".repeat(ControlOption.MAX_TABLE)));
        assertEquals(java.util.Optional.empty(), ControlOption.written(table));
        Files.writeString(table, "control_socket: %s\n".formatted(socket));
        assertEquals(java.util.Optional.of(socket), ControlOption.written(table));
    }
}
