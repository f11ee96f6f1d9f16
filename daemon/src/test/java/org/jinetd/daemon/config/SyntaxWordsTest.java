package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A YAML syntax error is said in the table's words, at the line the admin must change, with
 * what to write there: not where SnakeYAML's parser gave up, in its grammar's words.
 */
class SyntaxWordsTest {
    @TempDir
    Path dir;

    /** The problems of a table, the file's path cut. */
    private List<String> problems(String yaml) throws IOException {
        var file = Files.writeString(dir.resolve("services.yaml"), yaml);
        var loaded = new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(file);
        return assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream()
                .map(p -> p.toString().substring(file.toString().length() + 1)).toList();
    }

    @Test
    void aTabInTheIndentationOrAfterAKey() throws IOException {
        assertEquals(List.of("3:1: a tab in the indentation (expected spaces only: YAML indents with spaces, never with "
                + "tabs (line 2 above is indented 2))"), problems("services:\n  echo:\n\tport: 7007\n    handler: echo\n"));
        assertEquals(List.of("3:5: a tab in the indentation (expected spaces only: YAML indents with spaces, never with "
                + "tabs (line 2 above is indented 2))"), problems("services:\n  echo:\n    \tport: 7007\n"));
        assertEquals(List.of("3:10: a tab after the ':' of 'port' (expected a space: YAML separates a key from its value "
                + "with spaces only)"), problems("services:\n  echo:\n    port:\t7007\n    handler: echo\n"));
    }

    @Test
    void anIndentationOffByOne() throws IOException {
        // One space too many: YAML reads "7007 handler" as the value of port, then meets a ':'.
        assertEquals(List.of("4:6: this line is indented 5 spaces, more than 'port' on line 3 (4), which already has a "
                + "value (expected 4 spaces, beside 'port'; or, for a map under 'port', nothing after its ':')"),
                problems("services:\n  echo:\n    port: 7007\n     handler: echo\n"));
        assertEquals(List.of("4:4: this line is indented 3 spaces, as no key above it is (expected 4 spaces, beside "
                + "'port' on line 3; or 2 spaces, beside 'echo' on line 2)"),
                problems("services:\n  echo:\n    port: 7007\n   handler: echo\n"));
        assertEquals(List.of("6:2: this line is indented 1 space, as no key above it is (expected 2 spaces, beside "
                + "'echo' on line 2; or 0 spaces, beside 'services' on line 1)"),
                problems("services:\n  echo:\n    port: 7007\n    # a comment\n    handler: echo\n x:\n   port: 8\n"));
    }

    @Test
    void aKeyWithoutItsColonOrAValueWithAColon() throws IOException {
        assertEquals(List.of("2:3: 'echo' on line 2 has no ':' after it, so YAML reads line 3 as more of its text "
                + "(expected a ':' right after the key: echo:)"), problems("services:\n  echo\n    port: 7007\n"));
        assertEquals(List.of("3:5: 'port' on line 3 has no ':' after it, so YAML reads line 4 as more of its text "
                + "(expected a ':' right after the key: port: 7007)"),
                problems("services:\n  echo:\n    port 7007\n    handler: echo\n"));
        assertEquals(List.of("4:13: the value of 'banner' holds ': ', which YAML reads as the start of a map (expected "
                + "the value in quotes: banner: '...')"),
                problems("services:\n  echo:\n    port: 7007\n    banner: hello: world\n    handler: echo\n"));
    }

    @Test
    void aQuoteLeftOpen() throws IOException {
        assertEquals(List.of("4:14: the quote \" that opens here is never closed (expected a closing \" at the end of "
                + "the text it quotes)"), problems("services:\n  echo:\n    port: 7007\n    handler: \"echo\n  x:\n"
                + "    port: 8\n"));
        assertEquals(List.of("4:14: the quote ' that opens here is never closed (expected a closing ' at the end of "
                + "the text it quotes)"), problems("services:\n  echo:\n    port: 7007\n    handler: 'echo\n"));
        // A later quote closes it, and the parser fails further down: the open quote is still the line to change.
        assertEquals(List.of("4:14: the quote \" that opens here is not closed on its line (expected a closing \" at the "
                + "end of the text it quotes)"), problems("services:\n  echo:\n    port: 7007\n    handler: \"echo\n"
                + "  x:\n    port: 8\n    handler: \"echo\"\n"));
        // Quotes inside a value, a block of text or a comment open nothing.
        assertEquals(List.of("7:5: this line is indented 4 spaces, more than 'x' on line 6 (2), which already has a "
                + "value (expected 2 spaces, beside 'x'; or, for a map under 'x', nothing after its ':')"),
                problems("services:\n  echo:  # it's\n    exec: [/bin/sh, -c, 'it''s \"x\"', don't]\n    banner: |\n"
                        + "      it's \"\n  x: 1\n    y: 2\n"));
    }

    @Test
    void aBracketLeftOpenOrClosingNothing() throws IOException {
        assertEquals(List.of("4:11: the '[' that opens this list is not closed on its line (expected a ']' after the "
                + "list's last item, on this line)"),
                problems("services:\n  echo:\n    port: 7007\n    exec: [/bin/cat, a\n    user: nobody\n"));
        assertEquals(List.of("2:9: the '{' that opens this map is not closed on its line (expected a '}' after the "
                + "map's last entry, on this line)"), problems("services:\n  echo: {port: 7007, handler: echo\n  x: {}\n"));
        assertEquals(List.of("3:24: a ']' that closes nothing (expected no ']' here, or its '[' before the list)"),
                problems("services:\n  echo:\n    exec: [/bin/cat, a]]\n"));
    }

    @Test
    void aDuplicateKeyNamesBothLines() throws IOException {
        assertEquals(List.of("5:3: duplicate key 'echo': line 2 has it already (expected each key once in a map: keep "
                + "one of lines 2 and 5)"),
                problems("services:\n  echo:\n    port: 7007\n    handler: echo\n  echo:\n    port: 7008\n"
                        + "    handler: echo\n"));
    }
}
