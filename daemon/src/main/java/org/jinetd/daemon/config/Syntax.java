package org.jinetd.daemon.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A YAML syntax error said in the table's words: at the line the admin must change, what is
 * wrong there, and what to write instead. SnakeYAML reports where its parser gave up, in
 * its grammar's words ("mapping values are not allowed here", "expected &lt;block end&gt;"),
 * often a line below the mistake: a key indented one space too far, a line without its
 * ':', a quote or a bracket left open, a tab.
 *
 * <p>The file may be no table at all (an include of /etc/shadow): nothing of its text is
 * quoted here but a key name ({@link Node#key}).
 */
final class Syntax {
    /** A key and its ':' at the start of a line's content: {@code port:}, {@code - exec:}, {@code "a b":}. */
    private static final Pattern KEY = Pattern.compile("(?:- +)?([^\\s#'\"\\[\\]{},:][^#:]*?|'[^']*'|\"[^\"]*\") *:(?: |$)");

    /** A word of the file that may be quoted in a fix: a key name or a short plain value. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./-]{1,40}");

    private final Path file;
    private final List<String> lines;

    Syntax(Path file, String text) {
        this.file = file;
        this.lines = List.of(text.split("\r?\n", -1));
    }

    /**
     * The mistake behind SnakeYAML's {@code problem} at {@code line}:{@code col} (1-based),
     * raised in {@code context} that starts at {@code contextLine}:{@code contextCol}; empty
     * when none of the mistakes this knows fits.
     */
    Optional<Problem> explain(String problem, int line, int col, String context, int contextLine, int contextCol) {
        problem = problem == null ? "" : problem;
        context = context == null ? "" : context;
        if (problem.contains("\\t(TAB)") || problem.contains("tab character")) {
            return tab(line, col);
        }
        if (context.contains("quoted scalar") && contextLine >= 1) {
            return Optional.of(quote(contextLine, contextCol));
        }
        // A quote left open on its line swallows what follows up to the next quote: the
        // parser fails further down, wherever the text stops making sense.
        var open = openQuote(line);
        if (open.isPresent()) {
            return open;
        }
        if ((context.contains("flow sequence") || context.contains("flow mapping")) && contextLine >= 1) {
            var bracket = bracket(contextLine, contextCol);
            if (bracket.isPresent()) {
                return bracket;
            }
        }
        if (problem.startsWith("mapping values are not allowed")) {
            return colon(line, col);
        }
        if (problem.startsWith("expected <block end>")) {
            if (problem.endsWith("']'") || problem.endsWith("'}'")) {
                var closer = problem.endsWith("']'") ? "]" : "}";
                return Optional.of(at(line, col, "a '" + closer + "' that closes nothing",
                        "no '" + closer + "' here, or its '" + (closer.equals("]") ? "[" : "{") + "' before the "
                                + (closer.equals("]") ? "list" : "map")));
            }
            return indentation(line);
        }
        return Optional.empty();
    }

    private Optional<Problem> tab(int line, int col) {
        var text = line(line);
        int at = index(text, col);
        if (at < 0 || at >= text.length() || text.charAt(at) != '\t') {
            return Optional.empty();
        }
        var before = text.substring(0, at);
        if (before.isBlank()) {
            var above = above(line);
            var like = above.isEmpty() ? "" : " (line %d above is indented %d)".formatted(above.get(),
                    indent(line(above.get())));
            return Optional.of(at(line, col, "a tab in the indentation",
                    "spaces only: YAML indents with spaces, never with tabs" + like));
        }
        var key = KEY.matcher(before.stripLeading());
        if (before.stripTrailing().endsWith(":") && key.matches()) {
            return Optional.of(at(line, col, "a tab after the ':' of " + Node.key(name(key.group(1))),
                    "a space: YAML separates a key from its value with spaces only"));
        }
        return Optional.of(at(line, col, "a tab where YAML allows only spaces", "spaces instead of the tab"));
    }

    /** A quoted text that never ends: at its opening quote. */
    private Problem quote(int line, int col) {
        var text = line(line);
        int at = index(text, col);
        var quote = at >= 0 && at < text.length() && text.charAt(at) == '\'' ? "'" : "\"";
        return at(line, col, "the quote " + quote + " that opens here is never closed",
                "a closing " + quote + " at the end of the text it quotes");
    }

    /** The first quote at or above {@code line} that opens a text and is not closed on its own line. */
    private Optional<Problem> openQuote(int line) {
        boolean block = false;
        int blockIndent = 0;
        for (int n = 1; n <= Math.min(line, lines.size()); n++) {
            var text = line(n);
            if (block && (text.isBlank() || indent(text) > blockIndent)) {
                continue;
            }
            block = false;
            var content = text.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            int open = unclosed(text);
            if (open >= 0) {
                return Optional.of(at(n, text.codePointCount(0, open) + 1, "the quote " + text.charAt(open)
                        + " that opens here is not closed on its line", "a closing " + text.charAt(open)
                        + " at the end of the text it quotes"));
            }
            // A block scalar (| or >) holds text of its own below, quotes and all.
            if (content.matches(".*:\\s*[|>][-+0-9]*\\s*(#.*)?") || content.matches("-\\s*[|>][-+0-9]*\\s*(#.*)?")) {
                block = true;
                blockIndent = indent(text);
            }
        }
        return Optional.empty();
    }

    /**
     * The index of a quote in {@code text} that starts a text (at the start of a value: after
     * the indentation, a "key: ", a "- ", a '[', '{' or ',') and has no end on the line; -1
     * when every quote closes.
     */
    static int unclosed(String text) {
        boolean start = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '#' && (i == 0 || text.charAt(i - 1) == ' ' || text.charAt(i - 1) == '\t')) {
                return -1;
            }
            if ((c == '"' || c == '\'') && start) {
                int end = end(text, i);
                if (end < 0) {
                    return i;
                }
                i = end;
                start = false;
                continue;
            }
            boolean spaceAfter = i + 1 == text.length() || text.charAt(i + 1) == ' ' || text.charAt(i + 1) == '\t';
            if (c == ' ' || c == '\t') {
                continue;
            }
            start = c == '[' || c == '{' || c == ',' || (c == ':' || c == '-' || c == '?') && spaceAfter;
        }
        return -1;
    }

    /** The closing quote of the one at {@code open}: '' is a quote inside '...', \" one inside "...". */
    private static int end(String text, int open) {
        char quote = text.charAt(open);
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '"' && c == '\\') {
                i++;
            } else if (c == quote) {
                if (quote == '\'' && i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** A '[' or '{' that its line does not close: at the bracket. */
    private Optional<Problem> bracket(int line, int col) {
        var text = line(line);
        int at = index(text, col);
        if (at < 0 || at >= text.length() || (text.charAt(at) != '[' && text.charAt(at) != '{')) {
            return Optional.empty();
        }
        char open = text.charAt(at);
        char close = open == '[' ? ']' : '}';
        int depth = 0;
        for (int i = at; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                int end = end(text, i);
                if (end < 0) {
                    break;
                }
                i = end;
            } else if (c == '#' && text.charAt(i - 1) == ' ') {
                break;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    // Closed on its line: the mistake is elsewhere.
                    return Optional.empty();
                }
            }
        }
        var what = open == '[' ? "list" : "map";
        return Optional.of(at(line, col, "the '" + open + "' that opens this " + what + " is not closed on its line",
                "a '" + close + "' after the " + what + "'s last " + (open == '[' ? "item" : "entry")
                        + ", on this line"));
    }

    /**
     * "mapping values are not allowed here": a ':' YAML found inside a text. Either the text
     * holds ": " ({@code banner: hello: world}), or it began on a line above and this line is
     * more of it: a key indented deeper than its neighbour that has a value, or a line above
     * whose key has no ':'.
     */
    private Optional<Problem> colon(int line, int col) {
        var text = line(line);
        int at = index(text, col);
        if (at < 0 || at > text.length()) {
            return Optional.empty();
        }
        var before = text.substring(0, at);
        var own = KEY.matcher(before.substring(indent(before)));
        if (own.lookingAt() && own.end() < before.length() - indent(before)) {
            int value = indent(before) + own.end();
            while (value < before.length() && before.charAt(value) == ' ') {
                value++;
            }
            var key = Node.key(name(own.group(1)));
            return Optional.of(at(line, text.codePointCount(0, value) + 1, "the value of " + key + " holds ': ', "
                    + "which YAML reads as the start of a map", "the value in quotes: " + key.replace("'", "")
                    + ": '...'"));
        }
        var above = above(line);
        if (above.isEmpty()) {
            return Optional.empty();
        }
        var upper = line(above.get());
        var key = KEY.matcher(upper.substring(indent(upper)));
        if (!key.lookingAt()) {
            // "  echo" or "    port 7007": a key without its ':', so this line continued its text.
            if (upper.strip().startsWith("-")) {
                return Optional.empty();
            }
            var words = upper.strip().split(" +", 2);
            var shown = Node.key(words[0]);
            var fix = !SAFE.matcher(words[0]).matches() ? "a ':' right after the key"
                    : words.length == 1 ? "a ':' right after the key: " + words[0] + ":"
                    : "a ':' right after the key: " + words[0] + ": "
                            + (SAFE.matcher(words[1]).matches() ? words[1] : "...");
            return Optional.of(at(above.get(), indent(upper) + 1, shown + " on line " + above.get() + " has no ':' "
                    + "after it, so YAML reads line " + line + " as more of its text", fix));
        }
        if (indent(text) > indent(upper)) {
            var name = Node.key(name(key.group(1)));
            return Optional.of(at(line, indent(text) + 1, "this line is indented %d spaces, more than %s on line %d "
                    .formatted(indent(text), name, above.get()) + "(%d), which already has a value".formatted(indent(upper)),
                    "%d spaces, beside %s; or, for a map under %s, nothing after its ':'".formatted(indent(upper), name,
                            name)));
        }
        return Optional.empty();
    }

    /**
     * "expected &lt;block end&gt;": a line indented as no key above it is. The keys it could
     * stand beside are those whose maps are still open above it.
     */
    private Optional<Problem> indentation(int line) {
        var text = line(line);
        if (text.isBlank()) {
            return Optional.empty();
        }
        int mine = indent(text);
        var open = new ArrayList<int[]>();
        int limit = Integer.MAX_VALUE;
        for (int n = line - 1; n >= 1 && limit > 0; n--) {
            var upper = line(n);
            var content = upper.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            int indent = indent(upper);
            if (indent < limit) {
                open.add(new int[] {indent, n});
                limit = indent;
            }
        }
        if (open.isEmpty() || open.stream().anyMatch(level -> level[0] == mine)) {
            return Optional.empty();
        }
        var choices = new ArrayList<String>();
        int[] deeper = null;
        int[] shallower = null;
        for (var level : open) {
            if (level[0] > mine) {
                deeper = level;
            } else if (shallower == null) {
                shallower = level;
            }
        }
        for (var level : new int[][] {deeper, shallower}) {
            if (level != null) {
                var key = KEY.matcher(line(level[1]).substring(level[0]));
                var name = key.lookingAt() ? Node.key(name(key.group(1))) : "line " + level[1];
                choices.add("%d space%s, beside %s on line %d".formatted(level[0], level[0] == 1 ? "" : "s", name,
                        level[1]));
            }
        }
        return Optional.of(at(line, mine + 1, "this line is indented %d space%s, as no key above it is"
                .formatted(mine, mine == 1 ? "" : "s"), String.join("; or ", choices)));
    }

    /** The content line above {@code line}: not blank, not a comment. */
    private Optional<Integer> above(int line) {
        for (int n = line - 1; n >= 1; n--) {
            var content = line(n).strip();
            if (!content.isEmpty() && !content.startsWith("#")) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** A key as written, without its quotes. */
    private static String name(String key) {
        var k = key.strip();
        return k.length() >= 2 && (k.startsWith("'") || k.startsWith("\"")) ? k.substring(1, k.length() - 1) : k;
    }

    private String line(int n) {
        return n >= 1 && n <= lines.size() ? lines.get(n - 1) : "";
    }

    private static int indent(String text) {
        int n = 0;
        while (n < text.length() && text.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    /** The char index of a 1-based column counted in code points, as the parser counts; -1 past the line. */
    private static int index(String text, int col) {
        try {
            return text.offsetByCodePoints(0, col - 1);
        } catch (IndexOutOfBoundsException e) {
            return -1;
        }
    }

    private Problem at(int line, int col, String what, String expected) {
        return new Problem(file, line, col, what, expected);
    }
}
