package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A line break that YAML reads and an editor does not show (a lone CR, NEL, LS, PS) is
 * refused at its place outside quotes, where it would start a line of table inside what
 * shows as one line; inside quotes it is part of the text, as it always was.
 */
class LineBreakTest {
    @TempDir
    Path dir;

    private Loaded load(String yaml) throws IOException {
        var file = Files.writeString(dir.resolve("services.yaml"), yaml);
        return new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(file);
    }

    private List<String> problems(String yaml) throws IOException {
        var loaded = load(yaml);
        return assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream()
                .map(p -> p.toString().replace(dir.toString(), "DIR")).toList();
    }

    private static String refused(String where, String brk) {
        var what = switch (brk) {
            case "\r" -> "a carriage return (CR) with no newline after it";
            case "\u0085" -> "a U+0085 next line (NEL)";
            case "\u2028" -> "a U+2028 line separator";
            default -> "a U+2029 paragraph separator";
        };
        return where + ": " + what + ", which YAML reads as a line break where an editor shows none (expected a plain"
                + " newline (LF), or the text in quotes, where it is part of the text)";
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\u0085", "\u2028", "\u2029"})
    void aBreakInACommentIsRefusedAtItsPlace(String brk) throws IOException {
        assertEquals(List.of(refused("DIR/services.yaml:2:11", brk)), problems(
                "services:\n  # a note" + brk + "defaults: {env: {LD_PRELOAD: /dev/shm/x.so}}\n"
                        + "  echo: {port: 7007, handler: echo}\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\u0085", "\u2028", "\u2029"})
    void aBreakInPlainTextIsRefusedAtItsPlace(String brk) throws IOException {
        assertEquals(List.of(refused("DIR/services.yaml:3:18", brk)), problems(
                "services:\n  echo:\n    handler: echo" + brk + "    user: root\n    port: 7007\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\u0085", "\u2028", "\u2029"})
    void aBreakInABlockScalarIsRefusedAtItsPlace(String brk) throws IOException {
        assertEquals(List.of(refused("DIR/services.yaml:5:9", brk)), problems(
                "services:\n  echo:\n    handler: echo\n    banner: |\n      hi" + brk + "      there\n    port: 7007\n"));
    }

    /** Inside quotes YAML folds a CR or NEL to a space, as it does a newline, and keeps an LS or PS. */
    @ParameterizedTest
    @ValueSource(strings = {"\r", "\u0085", "\u2028", "\u2029"})
    void aBreakInQuotesIsPartOfTheText(String brk) throws IOException {
        var loaded = load("services:\n  cat:\n    exec: [/bin/cat]\n    port: 7007\n"
                + "    env: {A: \"a" + brk + "b\", B: 'c" + brk + "d'}\n");
        var service = assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table().services().getFirst();
        var kept = brk.equals("\u2028") || brk.equals("\u2029");
        assertEquals(Map.of("A", kept ? "a" + brk + "b" : "a b", "B", kept ? "c" + brk + "d" : "c d"),
                ((Launch.Exec) service.launch()).env());
    }

    /** Problems below a quoted break name the line an editor shows, not the parser's count. */
    @ParameterizedTest
    @ValueSource(strings = {"\r", "\u0085", "\u2028", "\u2029"})
    void problemsBelowAQuotedBreakNameTheEditorsLine(String brk) throws IOException {
        var below = problems("services:\n  cat:\n    exec: [/bin/cat]\n    env: {A: \"a" + brk + brk + "b\"}\n"
                + "    port: 7007\n    bogus: 1\n");
        assertEquals(1, below.size(), below::toString);
        assertTrue(below.getFirst().startsWith("DIR/services.yaml:6:5: unknown key 'bogus'"), below::toString);
        assertEquals(List.of("DIR/services.yaml:4:1: YAML syntax error: could not find expected ':' (in the simple key"
                + " that starts at 3:1)"), problems("services:\n  a: 'x" + brk + "y'\nb\n"));
    }

    /** An anchor below a quoted break is found at its place, which the parser counts its own way. */
    @Test
    void anAnchorBelowAQuotedBreakStandsForItsValue() throws IOException {
        var loaded = load("services:\n  a:\n    exec: [/bin/cat]\n    port: 7007\n    env: {A: \"x\u2028y\", B: &v val}\n"
                + "  b:\n    exec: [/bin/cat]\n    port: 7008\n    env: {C: *v}\n");
        var services = assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table().services();
        assertEquals(Map.of("C", "val"), ((Launch.Exec) services.get(1).launch()).env());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u2028", "\r"})
    void anIncludedFileIsReadTheSameWay(String brk) throws IOException {
        Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("conf.d/x.yaml"), "services:\n  # x" + brk + "echo: {port: 7007, handler: echo}\n");
        assertEquals(List.of(refused("DIR/conf.d/x.yaml:2:6", brk)), problems("include: [conf.d/*.yaml]\nservices: {}\n"));
    }

    /** Where the parser stops at a break (an alias cut by it), its message names the break by number, on one line. */
    @Test
    void aBreakInASyntaxErrorIsNamedByItsNumber() throws IOException {
        var problems = problems("services: *\u2029\n");
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().startsWith("DIR/services.yaml:1:12: YAML syntax error: ")
                && problems.getFirst().contains("U+2029") && !problems.getFirst().contains("\u2029"), problems::toString);
    }

    @Test
    void newlinesAndCrlfAreLineBreaks() throws IOException {
        assertInstanceOf(Loaded.Ok.class, load("services:\r\n  echo: {port: 7007, handler: echo}\r\n\r\n"));
        assertInstanceOf(Loaded.Ok.class, load("services:\n  echo: {port: 7007, handler: echo}\n"));
    }

    @Test
    void aFileFullOfBreaksIsRefusedInAFewProblems() throws IOException {
        var problems = problems("services: {}\n# " + "\u2028".repeat(100_000) + "\n");
        assertEquals(LineBreaks.MOST, problems.size());
        assertEquals(refused("DIR/services.yaml:2:3", "\u2028"), problems.getFirst());
        assertEquals(refused("DIR/services.yaml:2:22", "\u2028"), problems.getLast());
    }
}
