package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jinetd.daemon.PluginJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every jar in the plugin directory either provides handlers of names of its own, or the
 * table has a problem that names it (and, for a clash, the other jar or "built-in"): nothing
 * is skipped in silence, and no jar wins a name by its place in the directory.
 */
class PluginErrorsTest {
    private static final String EXPECTED_JAR = " (expected a readable jar of handler providers, a regular file of at most "
            + "64 MiB)";
    private static final String EXPECTED_PROVIDER = " (expected provider classes with a public constructor that takes "
            + "nothing, and every class they need, in the jar)";
    private static final String EXPECTED_NAME = " (expected one provider of each name; remove or rename one of them)";

    @TempDir
    Path dir;

    /** A provider of {@code name} whose class is {@code example.TYPE}, with {@code body} added to the class. */
    private static Map<String, String> provider(String type, String name, String body) {
        return Map.of("example." + type, """
                package example;
                import java.util.*;
                import org.jinetd.handler.*;
                public final class %s implements HandlerProvider {
                    public String name() { return %s; }
                    public Optional<StreamHandler> stream(Map<String, String> options) { return Optional.of(c -> { }); }
                    %s
                }
                """.formatted(type, name, body));
    }

    private Path plugins() throws Exception {
        return Files.createDirectories(dir.resolve("plugins"));
    }

    /** The problems of a table that serves echo alone from a directory of plugins. */
    private List<String> problems(Path plugins) throws Exception {
        var table = Files.writeString(dir.resolve("services.yaml"), """
                plugins: %s
                services:
                  e: {bind: 127.0.0.1, port: 7101, handler: echo}
                """.formatted(plugins));
        var loaded = new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(table);
        return assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream()
                .map(p -> p.toString().replace(table + ":1:10: plugins '" + plugins + "': ", "")).toList();
    }

    @Test
    void aFileThatIsNoWholeJarIsNamed() throws Exception {
        var plugins = plugins();
        Files.writeString(plugins.resolve("text.jar"), "this is not a jar");
        var whole = PluginJars.bytes(PluginJars.compile(provider("Cut", "\"cut\"", "")), "example.Cut");
        Files.write(plugins.resolve("cut.jar"), Arrays.copyOf(whole, whole.length / 2));
        Files.createDirectory(plugins.resolve("folder.jar"));
        Files.createSymbolicLink(plugins.resolve("dangling.jar"), plugins.resolve("nothing"));
        try (var sparse = new RandomAccessFile(plugins.resolve("huge.jar").toFile(), "rw")) {
            sparse.setLength((64L << 20) + 1);
        }
        var problems = problems(plugins);
        assertEquals(5, problems.size(), problems.toString());
        assertEquals("cut.jar: not a jar: zip END header not found" + EXPECTED_JAR, problems.get(0));
        assertTrue(problems.get(1).startsWith("dangling.jar not trusted: cannot check it: "), problems.get(1));
        assertEquals("folder.jar: not a regular file: a directory" + EXPECTED_JAR, problems.get(2));
        assertEquals("huge.jar: too large: 67108865 bytes, more than 64 MiB" + EXPECTED_JAR, problems.get(3));
        assertEquals("text.jar: not a jar: zip END header not found" + EXPECTED_JAR, problems.get(4));
    }

    @Test
    void aFifoInThePluginDirectoryIsRefusedWithoutBlockingTheRead() throws Exception {
        var plugins = plugins();
        var fifo = plugins.resolve("fifo.jar");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(List.of("fifo.jar: not a regular file: a FIFO" + EXPECTED_JAR), problems(plugins));
    }

    @Test
    void aProviderThatCannotBeLoadedIsNamedWithWhy() throws Exception {
        var plugins = plugins();
        PluginJars.write(plugins.resolve("constructor.jar"), provider("Boom", "\"boom\"",
                "public Boom() { throw new IllegalStateException(\"boom on purpose\"); }"), "example.Boom");
        PluginJars.write(plugins.resolve("initializer.jar"), provider("Early", "\"early\"",
                "static { if (true) throw new IllegalStateException(\"early on purpose\"); }"), "example.Early");
        PluginJars.write(plugins.resolve("listed.jar"), provider("Here", "\"here\"", ""), "example.Here",
                "example.Missing");
        // Compiled with a class it needs, packed without it.
        var needs = new HashMap<>(provider("Needs", "\"needs\"", "Helper helper = new Helper();"));
        needs.put("example.Helper", "package example; class Helper { }");
        var classes = new HashMap<>(PluginJars.compile(needs));
        classes.remove("example/Helper.class");
        PluginJars.pack(plugins.resolve("needs.jar"), classes, "example.Needs");
        PluginJars.write(plugins.resolve("other.jar"), Map.of("example.Other", "package example; public class Other { }"),
                "example.Other");
        PluginJars.write(plugins.resolve("throws.jar"), provider("Nameless", "name(1)",
                "String name(int n) { throw new IllegalStateException(\"no name\"); }"), "example.Nameless");
        assertEquals(List.of(
                "constructor.jar: Provider example.Boom could not be instantiated: "
                        + "java.lang.IllegalStateException: boom on purpose" + EXPECTED_PROVIDER,
                "initializer.jar: Provider example.Early could not be instantiated: "
                        + "java.lang.IllegalStateException: early on purpose" + EXPECTED_PROVIDER,
                "listed.jar: Provider example.Missing not found" + EXPECTED_PROVIDER,
                "needs.jar: Provider example.Needs could not be instantiated: "
                        + "java.lang.NoClassDefFoundError: example/Helper" + EXPECTED_PROVIDER,
                "other.jar: example.Other not a subtype" + EXPECTED_PROVIDER,
                "throws.jar: provider example.Nameless: name() threw java.lang.IllegalStateException: no name "
                        + "(expected a name() that returns the handler's name)"), problems(plugins));
    }

    @Test
    void aProviderThatNeverAnswersIsAProblemAtItsDeadlineNotAHang() throws Exception {
        var plugins = plugins();
        PluginJars.write(plugins.resolve("stuck.jar"), provider("Stuck", "\"stuck\"",
                "public Stuck() { try { Thread.sleep(Long.MAX_VALUE); } catch (InterruptedException e) { } }"),
                "example.Stuck");
        PluginJars.write(plugins.resolve("slow.jar"), Map.of("example.Slow", """
                package example;
                import java.util.*;
                import org.jinetd.handler.*;
                public final class Slow implements HandlerProvider {
                    public String name() { return "slow"; }
                    public Optional<StreamHandler> stream(Map<String, String> options) {
                        try { Thread.sleep(Long.MAX_VALUE); } catch (InterruptedException e) { }
                        return Optional.empty();
                    }
                }
                """), "example.Slow");
        var table = Files.writeString(dir.resolve("services.yaml"), """
                plugins: %s
                services:
                  s: {bind: 127.0.0.1, port: 7101, handler: slow}
                """.formatted(plugins));
        var loaded = new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(table);
        var problems = assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream()
                .map(Object::toString).toList();
        assertEquals(List.of(
                table + ":1:10: plugins '" + plugins + "': stuck.jar: a provider's constructor did not return within 5s "
                        + "(expected providers that return at once)",
                table + ":3:45: handler 'slow': stream(options) did not return within 5s "
                        + "(expected a provider that returns at once)"), problems);
    }

    @Test
    void aHostileJarCostsABoundedReadAndABoundedReport() throws Exception {
        var plugins = plugins();
        // A class that inflates to 17 MiB from a few KiB: refused, not read into memory whole.
        PluginJars.pack(plugins.resolve("bomb.jar"), Map.of("example/Bomb.class", new byte[17 << 20]), "example.Bomb");
        // Fifty providers that are not there: ten problems, not fifty.
        var missing = java.util.stream.IntStream.range(0, 50).mapToObj(i -> "example.Missing" + i).toArray(String[]::new);
        PluginJars.pack(plugins.resolve("many.jar"), Map.of("example/Empty.txt", new byte[0]), missing);
        var problems = problems(plugins);
        assertEquals("bomb.jar: Provider example.Bomb not found" + EXPECTED_PROVIDER, problems.getFirst());
        assertEquals(11, problems.size(), problems.toString());
        assertTrue(problems.stream().skip(1).allMatch(p -> p.startsWith("many.jar: Provider example.Missing")), problems.toString());
    }

    @Test
    void aJarThatProvidesNothingOrABadNameIsNamed() throws Exception {
        var plugins = plugins();
        PluginJars.pack(plugins.resolve("empty.jar"), PluginJars.compile(provider("Unlisted", "\"unlisted\"", "")));
        PluginJars.write(plugins.resolve("spaces.jar"), provider("Spaces", "\"two words\\nand a line\"", ""),
                "example.Spaces");
        PluginJars.write(plugins.resolve("null.jar"), provider("Null", "null", ""), "example.Null");
        assertEquals(List.of(
                "empty.jar: provides no handler (expected a jar that lists its providers in "
                        + "META-INF/services/org.jinetd.handler.HandlerProvider)",
                "null.jar: provider example.Null has the name null (expected a name of letters, digits, '.', '_' and '-', "
                        + "at most 64 characters)",
                "spaces.jar: provider example.Spaces has the name 'two words...' (expected a name of letters, digits, "
                        + "'.', '_' and '-', at most 64 characters)"), problems(plugins));
    }

    @Test
    void aNameTakenTwiceNamesBothJarsOrTheBuiltIn() throws Exception {
        var plugins = plugins();
        PluginJars.write(plugins.resolve("a.jar"), provider("First", "\"shout\"", ""), "example.First");
        PluginJars.write(plugins.resolve("b.jar"), provider("Second", "\"shout\"", ""), "example.Second");
        PluginJars.write(plugins.resolve("c.jar"), provider("Echo", "\"echo\"", ""), "example.Echo");
        // The same class in two jars: a copy of a.jar under another name.
        Files.copy(plugins.resolve("a.jar"), plugins.resolve("copy.jar"));
        PluginJars.write(plugins.resolve("d.jar"), provider("Twice", "\"twice\"", ""), "example.Twice",
                "example.Twice");
        assertEquals(List.of(
                "b.jar: handler 'shout' is already provided by a.jar" + EXPECTED_NAME,
                "c.jar: handler 'echo' is already provided by built-in" + EXPECTED_NAME,
                "copy.jar: handler 'shout' is already provided by a.jar" + EXPECTED_NAME), problems(plugins));
    }

    @Test
    void aProviderSaysWhetherItsHandlerSpeaksFirstAndOneThatThrowsIsNamed() throws Exception {
        var plugins = plugins();
        PluginJars.write(plugins.resolve("greets.jar"), provider("Greets", "\"greets\"",
                "public boolean speaksFirst(Map<String, String> options) { return !options.containsKey(\"quiet\"); }"),
                "example.Greets");
        PluginJars.write(plugins.resolve("waits.jar"), provider("Waits", "\"waits\"", ""), "example.Waits");
        var table = Files.writeString(dir.resolve("services.yaml"), """
                plugins: %s
                defaults: {bind: 127.0.0.1, defer_accept: 5}
                services:
                  greeter: {port: 7101, handler: greets}
                  quiet: {port: 7102, handler: greets, options: {quiet: "yes"}}
                  waiter: {port: 7103, handler: waits}
                """.formatted(plugins));
        var loaded = new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(table);
        var services = assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table().services();
        var words = new HashMap<String, String>();
        services.forEach(service -> words.put(service.name(), service.deferredFirstWords().orElse("")));
        assertTrue(words.get("greeter").startsWith("defer_accept 5s with handler greets, which writes before its client "
                + "sends: the server speaks first"), words.toString());
        assertEquals("", words.get("quiet"), words.toString());
        assertEquals("", words.get("waiter"), words.toString());

        PluginJars.write(plugins.resolve("broken.jar"), provider("Broken", "\"broken\"",
                "public boolean speaksFirst(Map<String, String> options) { throw new IllegalStateException(\"no idea\"); }"),
                "example.Broken");
        Files.writeString(table, """
                plugins: %s
                services:
                  b: {bind: 127.0.0.1, port: 7104, handler: broken}
                """.formatted(plugins));
        var bad = new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(table);
        assertEquals(List.of(table + ":3:45: handler 'broken' failed to start: java.lang.IllegalStateException: no idea"),
                assertInstanceOf(Loaded.Bad.class, bad, bad::toString).problems().stream().map(Object::toString).toList());
    }
}
