package org.jinetd.daemon.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads a YAML file into {@link Node}s, or says where it is not YAML. */
final class YamlReader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final Path file;
    private final List<Problem> problems;

    YamlReader(Path file, List<Problem> problems) {
        this.file = file;
        this.problems = problems;
    }

    /** The document's root, or empty when the file cannot be read or parsed (a problem says why). */
    Optional<Node> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            problems.add(new Problem(file, 1, 1, "no such file", "a readable service table"));
            return Optional.empty();
        } catch (IOException e) {
            problems.add(new Problem(file, 1, 1, "cannot read: " + reason(e), "a readable service table"));
            return Optional.empty();
        }
        var text = decode(bytes);
        if (text.isEmpty()) {
            return Optional.empty();
        }
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
        } catch (IOException e) {
            problems.add(new Problem(file, 1, 1, "cannot read: " + reason(e), null));
            return Optional.empty();
        }
    }

    /** SnakeYAML's problem and its context on one line, at the problem's place. */
    private Problem syntax(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            var at = marked.getProblemMark();
            var what = "YAML syntax error: " + marked.getProblem();
            var context = marked.getContext();
            var contextMark = marked.getContextMark();
            if (context != null && contextMark != null) {
                what += " (in the %s that starts at %d:%d)".formatted(
                        context.replaceFirst("^while (parsing|scanning) (an? )?", ""),
                        contextMark.getLine() + 1, contextMark.getColumn() + 1);
            }
            return new Problem(file, at.getLine() + 1, at.getColumn() + 1, what, null);
        }
        var where = e.getLocation();
        var mark = where == null ? Node.Mark.start(file) : mark(where);
        return Problem.at(mark, "YAML syntax error: " + e.getOriginalMessage().lines().findFirst().orElse(""), null);
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
        return switch (token) {
            case START_OBJECT -> mapping(parser, mark);
            case START_ARRAY -> sequence(parser, mark);
            case VALUE_STRING -> new Node.Scalar(parser.getText(), Node.Kind.STRING, mark);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Node.Scalar(parser.getText(), Node.Kind.NUMBER, mark);
            case VALUE_TRUE, VALUE_FALSE -> new Node.Scalar(parser.getText(), Node.Kind.BOOLEAN, mark);
            case VALUE_NULL -> new Node.Scalar("", Node.Kind.NULL, mark);
            default -> new Node.Scalar(parser.getText(), Node.Kind.STRING, mark);
        };
    }

    private Node.Mapping mapping(JsonParser parser, Node.Mark mark) throws IOException {
        var entries = new LinkedHashMap<String, Node.Entry>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            var key = new Node.Key(parser.currentName(), mark(parser.currentTokenLocation()));
            parser.nextToken();
            var value = value(parser);
            var earlier = entries.putIfAbsent(key.name(), new Node.Entry(key, value));
            if (earlier != null) {
                problems.add(Problem.at(key.mark(), "duplicate key '" + key.name() + "', first at line "
                        + earlier.key().mark().line(), "each key once in a map"));
            }
        }
        return new Node.Mapping(entries, mark);
    }

    private Node.Sequence sequence(JsonParser parser, Node.Mark mark) throws IOException {
        var items = new ArrayList<Node>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(parser));
        }
        return new Node.Sequence(items, mark);
    }

    private Node.Mark mark(JsonLocation location) {
        return new Node.Mark(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }

    static String reason(IOException e) {
        var message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
