package org.jinetd.daemon.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a YAML file into {@link Node}s, or says where it is not YAML. An alias stands for
 * its anchor's value, at the alias's place; the file must be trusted, regular and small.
 */
final class YamlReader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();
    /**
     * Values in one file, aliases expanded. A real table has a few thousand; nested aliases
     * ("billion laughs") could otherwise stand for more than memory holds.
     */
    static final int MAX_VALUES = 200_000;
    /** YAML's merge key. */
    private static final String MERGE = "<<";
    /** Maps and lists inside each other: Jackson's own limit. */
    private static final int MAX_DEPTH = 1_000;
    private static final Pattern QUOTED = Pattern.compile("'([^'\\n]{" + Node.TOKEN + "})[^'\\n]*'");

    private final Path file;
    private final List<Problem> problems;
    private final Trust trust;
    private final Map<String, Anchored> anchors = new HashMap<>();
    private int values;
    /** The anchors of scalars, by the code point offset of their value. */
    private Map<Long, String> scalarAnchors = Map.of();
    /** How the parser's places become an editor's; set once the text is decoded. */
    private LineBreaks breaks = LineBreaks.of("");
    /** The decoded text, read again only to say a syntax error in the table's words. */
    private String text;

    private record Anchored(Node node, int size) {}

    /** Thrown to stop parsing at a mistake no later step could read past, as a syntax error does. */
    private static final class Stop extends RuntimeException {
        final Problem problem;

        Stop(Problem problem) {
            super(null, null, false, false);
            this.problem = problem;
        }
    }

    YamlReader(Path file, List<Problem> problems, Trust trust) {
        this.file = file;
        this.problems = problems;
        this.trust = trust;
    }

    /** The document's root, or empty when the file cannot be read or parsed (a problem says why). */
    Optional<Node> read() {
        // Not "!exists": a directory above it that this user may not search hides a file
        // that is there, and that is no missing file.
        if (Files.notExists(file)) {
            problems.add(new Problem(file, 1, 1, "no such file", "a readable service table"));
            return Optional.empty();
        }
        var refusal = trust.refusal(file);
        if (refusal.isPresent()) {
            problems.add(new Problem(file, 1, 1, refusal.get().what(), refusal.get().expected()));
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = SmallFile.read(file, SmallFile.TABLE_CAP);
        } catch (NoSuchFileException e) {
            problems.add(new Problem(file, 1, 1, "no such file", "a readable service table"));
            return Optional.empty();
        } catch (AccessDeniedException e) {
            problems.add(new Problem(file, 1, 1, "cannot read: " + Unreadable.reason(e), Unreadable.fix("file")));
            return Optional.empty();
        } catch (IOException e) {
            problems.add(Files.isDirectory(file) ? directory()
                    : new Problem(file, 1, 1, "cannot read: " + Unreadable.reason(e), "a readable regular file of at most 1 MiB"));
            return Optional.empty();
        }
        var text = decode(bytes);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        breaks = LineBreaks.of(text.get());
        this.text = text.get();
        var odd = breaks.outsideQuotes(file);
        if (!odd.isEmpty()) {
            // What the parser would read is not what an editor shows: nothing of it is read.
            problems.addAll(odd);
            return Optional.empty();
        }
        scalarAnchors = scalarAnchors(text.get());
        try (var parser = FACTORY.createParser(text.get())) {
            var first = parser.nextToken();
            if (first == null) {
                problems.add(new Problem(file, 1, 1, "the table is empty", "a map with a 'services:' key"));
                return Optional.empty();
            }
            return Optional.of(value(parser));
        } catch (JsonProcessingException e) {
            problems.add(syntax(e));
            return Optional.empty();
        } catch (Stop e) {
            problems.add(e.problem);
            return Optional.empty();
        } catch (IOException e) {
            problems.add(new Problem(file, 1, 1, "cannot read: " + Unreadable.reason(e), null));
            return Optional.empty();
        }
    }

    /** A table named by its directory ({@code -c /etc/jinetd}): the file in it, where there is one. */
    private Problem directory() {
        var table = file.resolve("services.yaml");
        return new Problem(file, 1, 1, "cannot read: it is a directory", Files.isRegularFile(table)
                ? "a table's file, such as " + table : "a table's file, not a directory");
    }

    /**
     * The mistake in the table's words, at the line to change, where it is one {@link Syntax}
     * knows; else SnakeYAML's problem and its context on one line, at the problem's place.
     */
    private Problem syntax(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            var problemMark = marked.getProblemMark();
            var contextMark = marked.getContextMark();
            // Where odd line breaks count lines another way than an editor, only the parser's words are sure.
            var explained = Optional.<Problem>empty();
            try {
                explained = breaks.odd() || text == null ? explained
                        : new Syntax(file, text).explain(marked.getProblem(), problemMark.getLine() + 1, problemMark.getColumn() + 1,
                                marked.getContext(), contextMark == null ? 0 : contextMark.getLine() + 1,
                                contextMark == null ? 0 : contextMark.getColumn() + 1);
            } catch (RuntimeException bug) {
                // A reading of the text gone wrong must not cost the admin the parser's own words.
            }
            if (explained.isPresent()) {
                return explained.get();
            }
            var at = mark(problemMark);
            var what = "YAML syntax error: " + quiet(marked.getProblem());
            var context = marked.getContext();
            if (context != null && contextMark != null) {
                var start = mark(contextMark);
                what += " (in the %s that starts at %d:%d)".formatted(
                        context.replaceFirst("^while (parsing|scanning) (an? )?", ""), start.line(), start.col());
            }
            return Problem.at(at, what, null);
        }
        var where = e.getLocation();
        var mark = where == null ? Node.Mark.start(file) : mark(where);
        return Problem.at(mark, "YAML syntax error: " + quiet(e.getOriginalMessage()), null);
    }

    /**
     * A parser's message, first line, with any quoted text cut to a token: the file may be
     * no table at all (an include of /etc/shadow), and messages reach logs and replies. A
     * character of the file it names that is no printable text (a U+2029, an escape) is
     * shown by its number, so that the message stays one line of text.
     */
    private static String quiet(String message) {
        var first = message == null ? "" : message.lines().findFirst().orElse("");
        first = QUOTED.matcher(first).replaceAll("'$1...'");
        first = first.length() > 160 ? first.substring(0, 160) + "..." : first;
        return Node.UNPRINTABLE.matcher(first).replaceAll(m -> "U+%04X".formatted(m.group().codePointAt(0)));
    }

    /** Strict UTF-8: a table in Latin-1 would otherwise load with mangled names and paths. */
    private Optional<String> decode(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            var text = decoder.decode(ByteBuffer.wrap(bytes)).toString();
            return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (CharacterCodingException e) {
            int bad = firstInvalid(bytes);
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            var col = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8).length() + 1;
            problems.add(new Problem(file, line, col,
                    "not UTF-8: byte 0x%02x cannot start or continue a character".formatted(bytes[bad] & 0xff),
                    "a UTF-8 text file"));
            return Optional.empty();
        }
    }

    private static int firstInvalid(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var in = ByteBuffer.wrap(bytes);
        var out = java.nio.CharBuffer.allocate(bytes.length + 1);
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : 0;
    }

    private Node value(JsonParser parser) throws IOException {
        var mark = mark(parser.currentTokenLocation());
        var token = parser.currentToken();
        var yaml = (YAMLParser) parser;
        if (token == JsonToken.VALUE_STRING && yaml.isCurrentAlias()) {
            return alias(parser.getText(), mark);
        }
        // Read before the value: the parser moves on inside a map or list.
        var anchor = yaml.getCurrentAnchor() != null ? yaml.getCurrentAnchor()
                : scalarAnchors.get(parser.currentTokenLocation().getCharOffset());
        int before = values;
        count(1, mark);
        var node = switch (token) {
            case START_OBJECT -> mapping(parser, mark);
            case START_ARRAY -> sequence(parser, mark);
            case VALUE_STRING -> new Node.Scalar(text(parser.getText(), mark), Node.Kind.STRING, mark);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Node.Scalar(parser.getText(), Node.Kind.NUMBER, mark);
            case VALUE_TRUE, VALUE_FALSE -> new Node.Scalar(parser.getText(), Node.Kind.BOOLEAN, mark);
            case VALUE_NULL -> new Node.Scalar("", Node.Kind.NULL, mark);
            default -> new Node.Scalar(text(parser.getText(), mark), Node.Kind.STRING, mark);
        };
        if (anchor != null) {
            anchors.put(anchor, new Anchored(node, values - before));
        }
        return node;
    }

    /**
     * {@code *name}: the value of the latest {@code &name} before it, at the alias's place
     * (what is inside keeps the anchor's places, where it is written).
     */
    private Node alias(String name, Node.Mark mark) {
        var anchored = anchors.get(name);
        if (anchored == null) {
            // YAML itself has no meaning for it: the document is wrong, as with a syntax error.
            throw new Stop(Problem.at(mark, "alias '*" + Node.token(name) + "' has no anchor before it",
                    "an anchor '&" + Node.token(name) + "' on a value above the alias"));
        }
        count(anchored.size(), mark);
        return switch (anchored.node()) {
            case Node.Scalar s -> new Node.Scalar(s.text(), s.kind(), mark);
            case Node.Sequence q -> new Node.Sequence(q.items(), mark);
            case Node.Mapping m -> new Node.Mapping(m.entries(), mark);
        };
    }

    /**
     * The anchors of scalars ({@code &adm nobody}), by place: Jackson's parser gives those of
     * maps and lists only. SnakeYAML's own events say them all; a syntax error ends this pass
     * quietly, and the main one reports it.
     */
    private static Map<Long, String> scalarAnchors(String text) {
        var out = new HashMap<Long, String>();
        if (text.indexOf('&') < 0) {
            return out;
        }
        int depth = 0;
        try {
            // The parser alone: the Yaml facade also builds constructors and a logger
            // (java.util.logging), which a short command would pay for at every start.
            var parser = new org.yaml.snakeyaml.parser.ParserImpl(
                    new org.yaml.snakeyaml.reader.StreamReader(text), new org.yaml.snakeyaml.LoaderOptions());
            for (org.yaml.snakeyaml.events.Event event; (event = parser.getEvent()) != null; ) {
                if (event instanceof org.yaml.snakeyaml.events.ScalarEvent scalar && scalar.getAnchor() != null) {
                    // Jackson's places are SnakeYAML's: the same offset, in code points.
                    out.put((long) scalar.getStartMark().getIndex(), scalar.getAnchor());
                } else if (event instanceof org.yaml.snakeyaml.events.CollectionStartEvent) {
                    // Deeper than Jackson reads, the main pass reports it; and SnakeYAML's
                    // parser slows down with the depth.
                    if (++depth > MAX_DEPTH) {
                        break;
                    }
                } else if (event instanceof org.yaml.snakeyaml.events.CollectionEndEvent) {
                    depth--;
                }
            }
        } catch (RuntimeException e) {
            // reported by the main pass
        }
        return out;
    }

    private void count(int more, Node.Mark mark) {
        values += more;
        if (values > MAX_VALUES || values < 0) {
            throw new Stop(Problem.at(mark, "aliases expand to more than %d values".formatted(MAX_VALUES),
                    "a table whose aliases do not multiply (no alias bomb)"));
        }
    }

    /**
     * No path, argument or environment variable can hold a NUL, and cut at one a value would
     * mean something else: the read stops there, at its place.
     */
    private String text(String text, Node.Mark mark) {
        if (text.indexOf('\0') >= 0) {
            throw new Stop(Problem.at(mark, "text with a NUL character (\\0)",
                    "text without NUL: no path, argument or environment variable can hold one"));
        }
        return text;
    }

    private Node.Mapping mapping(JsonParser parser, Node.Mark mark) throws IOException {
        var entries = new LinkedHashMap<String, Node.Entry>();
        var merged = new ArrayList<Node.Mapping>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            var keyMark = mark(parser.currentTokenLocation());
            var key = new Node.Key(text(parser.currentName(), keyMark), keyMark);
            parser.nextToken();
            var value = value(parser);
            if (key.name().equals(MERGE)) {
                merged.addAll(merges(value));
                continue;
            }
            var earlier = entries.putIfAbsent(key.name(), new Node.Entry(key, value));
            if (earlier != null) {
                problems.add(Problem.at(key.mark(), "duplicate key " + Node.key(key.name()) + ": line "
                        + earlier.key().mark().line() + " has it already", "each key once in a map: keep one of lines "
                        + earlier.key().mark().line() + " and " + key.mark().line()));
            }
        }
        // YAML's merge key: the map's own keys win, then the merged maps' in their order.
        for (var from : merged) {
            from.entries().values().forEach(e -> entries.putIfAbsent(e.key().name(), e));
        }
        return new Node.Mapping(entries, mark);
    }

    /** The maps that {@code <<: *base} or {@code <<: [*a, *b]} merges in. */
    private List<Node.Mapping> merges(Node value) {
        var items = value instanceof Node.Sequence seq ? seq.items() : List.of(value);
        var out = new ArrayList<Node.Mapping>();
        for (var item : items) {
            if (item instanceof Node.Mapping m) {
                out.add(m);
            } else {
                problems.add(Problem.at(item.mark(), "'<<' merges " + Node.shape(item), "a map, or a list of maps "
                        + "(<<: *base)"));
            }
        }
        return out;
    }

    private Node.Sequence sequence(JsonParser parser, Node.Mark mark) throws IOException {
        var items = new ArrayList<Node>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(parser));
        }
        return new Node.Sequence(items, mark);
    }

    private Node.Mark mark(JsonLocation location) {
        if (breaks.odd() && location.getCharOffset() >= 0) {
            return breaks.mark(file, (int) location.getCharOffset());
        }
        return new Node.Mark(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }

    private Node.Mark mark(org.yaml.snakeyaml.error.Mark at) {
        return breaks.odd() ? breaks.mark(file, at.getIndex()) : new Node.Mark(file, at.getLine() + 1, at.getColumn() + 1);
    }
}
