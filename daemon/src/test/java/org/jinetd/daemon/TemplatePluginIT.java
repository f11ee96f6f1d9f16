package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler template (services/examples/reverse), as its README tells an author to use it:
 * its built jar dropped into the plugin directory of a real daemon, its handler named in the table.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TemplatePluginIT {
    /** Where the reactor builds the template, before this module (it is a test dependency). */
    private static final Path BUILT = Path.of("..", "services", "examples", "reverse", "target").toAbsolutePath()
            .normalize();

    @TempDir
    Path dir;

    @Test
    void theTemplatesJarInThePluginDirectoryAnswersReversedLines() throws Exception {
        int port = TestDaemon.freePort();
        var table = table("""
                  reverse: {bind: 127.0.0.1, port: %d, handler: reverse, options: {suffix: "!"}}
                """.formatted(port));
        try (var jinetd = Launched.start("run", "-c", table.toString())) {
            jinetd.awaitErr("ready: 1 service listening");
            assertEquals("olleh!\ndlrow!\n", Clients.exchange(port, "hello\r\nworld\n"));
            jinetd.awaitErr("service=reverse peer=127.0.0.1:");
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            assertFalse(jinetd.err().contains("error="), jinetd.err());
        }
    }

    @Test
    void aMistypedOptionIsShownByCheckAtItsLine() throws Exception {
        var table = table("""
                  reverse: {bind: 127.0.0.1, port: 7200, handler: reverse, options: {sufix: "!"}}
                """);
        try (var jinetd = Launched.start("check", "-c", table.toString())) {
            assertEquals(1, jinetd.exit());
            assertTrue(jinetd.err().startsWith(table + ":3:70: handler 'reverse', option 'sufix': unknown option; "
                    + "reverse takes only 'suffix'"), jinetd.err());
        }
    }

    /** A table of {@code services} whose plugin directory holds the template's jar alone. */
    private Path table(String services) throws IOException {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(templateJar(), plugins.resolve("reverse.jar"));
        var table = dir.resolve("services.yaml");
        Files.writeString(table, "plugins: " + plugins + "\nservices:\n" + services);
        return table;
    }

    private static Path templateJar() throws IOException {
        assertTrue(Files.isDirectory(BUILT), BUILT + " is missing: build services/examples/reverse first");
        try (var files = Files.list(BUILT)) {
            var jars = files.filter(p -> p.getFileName().toString().matches("reverse-[^-]+(-SNAPSHOT)?\\.jar")).toList();
            assertEquals(1, jars.size(), "one jar of the template in " + BUILT + " (build services/examples/reverse "
                    + "first): " + jars);
            return jars.getFirst();
        }
    }
}
