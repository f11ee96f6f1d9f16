package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Text in a table that no path can hold, or that is no table at all, is a problem at its place, never an exception. */
class HostileTextTest {
    @TempDir
    Path dir;

    private Loaded load(Path file) {
        return new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(file);
    }

    private List<String> problems(String yaml) throws IOException {
        var file = Files.writeString(dir.resolve("services.yaml"), yaml);
        var loaded = load(file);
        return assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream()
                .map(p -> p.toString().replace(dir.toString(), "DIR")).toList();
    }

    /** Each line puts a NUL ("\0" in double quotes) on line 3 of a table, in a value or a key. */
    @ParameterizedTest
    @ValueSource(strings = {
            "    cwd: \"/tmp\\0/x\"",
            "    exec: [\"/bin/cat\\0\"]",
            "    exec: [/bin/cat, \"-\\0\"]",
            "    env: {\"A\\0\": b}",
            "    env: {A: \"b\\0\"}",
            "    banner: {file: \"/etc/motd\\0\"}",
            "    \"user\\0\": root",
    })
    void aNulInAServiceIsAProblemAtItsLine(String line) throws IOException {
        var problems = problems("services:\n  cat:\n" + line + "\n    port: 7101\n");
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().matches("DIR/services.yaml:3:\\d+: text with a NUL character \\(\\\\0\\) "
                + "\\(expected text without NUL: no path, argument or environment variable can hold one\\)"),
                problems::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"include: [\"x\\0.yaml\"]", "plugins: \"/tmp\\0\"", "control_socket: \"/run/x\\0\"",
        "log: \"/var/log/x\\0.log\""})
    void aNulInATopLevelPathIsAProblemAtItsLine(String line) throws IOException {
        var problems = problems("services: {}\n" + line + "\n");
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().startsWith("DIR/services.yaml:2:"), problems::toString);
    }

    @Test
    void aPathThatCannotBeMadeIsAProblemNotAnException() {
        var problems = new ArrayList<Problem>();
        var mark = new Node.Mark(dir.resolve("t.yaml"), 4, 7);
        var path = new Fields(problems).path(new Node.Scalar("/srv\0x", Node.Kind.STRING, mark), "cwd");
        assertTrue(path.isEmpty());
        // The NUL itself is shown by its number: a message is one line of text.
        assertEquals("4:7: cwd '/srvU+0000x' is not a path: Nul character not allowed (expected a path without NUL "
                + "characters)",
                problems.getFirst().toString().substring(dir.resolve("t.yaml").toString().length() + 1));
    }

    /** What /etc/shadow looks like; no part of a hash may reach a problem, a log or a reply. */
    private static final String SHADOW = """
            root:$6$secretsalt$hashhashhashhashhash:19000:0:99999:7:::
            daemon:*:19000:0:99999:7:::
            admin:$y$j9T$secretsalt2$hashhash2:19001:0:99999:7:::
            """;

    @Test
    void anIncludedFileThatIsNoTableIsNotQuoted() throws IOException {
        Files.writeString(dir.resolve("shadow"), SHADOW);
        Files.writeString(dir.resolve("env"), "SECRET_TOKEN: secretsalt\nservices: {}\n");
        Files.writeString(dir.resolve("broken"), SHADOW.lines().findFirst().orElseThrow() + "\n'secretsalt\n");
        var problems = problems("include: [shadow, env, broken]\nservices: {}\n");
        for (var problem : problems) {
            assertFalse(problem.contains("secretsalt") || problem.contains("hash") || problem.contains("$6$"), problem);
        }
        assertTrue(problems.getFirst().startsWith("DIR/broken:2:1: the quote ' that opens here is never closed"),
                problems::toString);
        assertEquals(List.of(
                "DIR/env:1:1: unknown key 'SECRET_TOKEN' (expected a key of an included file: services)",
                "DIR/shadow:1:1: unknown key (not shown: no key name) (expected a key of an included file: services)",
                "DIR/shadow:2:1: unknown key (not shown: no key name) (expected a key of an included file: services)",
                "DIR/shadow:3:1: unknown key (not shown: no key name) (expected a key of an included file: services)"),
                problems.subList(1, problems.size()));
    }

    @Test
    void aLongValueIsQuotedOnlyAsAShortToken() throws IOException {
        var problems = problems("services:\n  a: {handler: echo, port: 7101, instances: \"" + "9".repeat(100)
                + "\\nsecond line\"}\n");
        assertEquals(List.of("DIR/services.yaml:2:45: 'instances' is string '" + "9".repeat(40) + "...' (expected a "
                + "whole number from 1 to 1000000 or 'unlimited')"), problems);
    }

    @Test
    void nestingTooDeepIsAProblemNotAStackOverflow() throws IOException {
        // With an anchor, so that every pass of the reader reads it.
        var problems = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> problems("services: &deep " + "[".repeat(100_000) + "\n"));
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().startsWith("DIR/services.yaml:"), problems::toString);
    }
}
