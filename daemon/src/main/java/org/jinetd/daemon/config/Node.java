package org.jinetd.daemon.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A YAML value with the place it was written, so that every check can say where.
 * Jackson's tree drops locations; this one keeps them.
 */
sealed interface Node {
    Mark mark();

    /** A 1-based line and column, in a file (a table may include others). */
    record Mark(java.nio.file.Path file, int line, int col) {
        static Mark start(java.nio.file.Path file) {
            return new Mark(file, 1, 1);
        }
    }

    enum Kind { STRING, NUMBER, BOOLEAN, NULL }

    record Scalar(String text, Kind kind, Mark mark) implements Node {}

    record Sequence(List<Node> items, Mark mark) implements Node {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** A key as written, with its own place (unknown-key errors point at the key). */
    record Key(String name, Mark mark) {}

    record Entry(Key key, Node value) {}

    record Mapping(Map<String, Entry> entries, Mark mark) implements Node {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }
    }

    /** Quoted text at most this long: a message may be read by others than the table's owner. */
    int TOKEN = 40;

    /**
     * Text from a file, cut for a message: its first line, at most {@link #TOKEN} characters.
     * An included file may be no table at all (/etc/shadow); its lines must not reach a log.
     * A character that does not show as itself (a control, a U+2028 that YAML reads as a line
     * break) is shown by its number, so that the message stays one line of text.
     */
    static String token(String text) {
        var first = text.lines().findFirst().orElse("");
        var cut = first.length() > TOKEN ? first.substring(0, TOKEN) : first;
        var shown = UNPRINTABLE.matcher(cut).replaceAll(m -> "U+%04X".formatted(m.group().codePointAt(0)));
        return cut.length() < text.length() ? shown + "..." : shown;
    }

    /** Controls, format characters, separators and code points no text has. */
    java.util.regex.Pattern UNPRINTABLE = java.util.regex.Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Cs}\\p{Co}\\p{Cn}\\p{Zl}\\p{Zp}]");

    /**
     * A key as quoted in a message: a key name as written, or nothing of it when it is no
     * key name at all. A line of a file that is no table (/etc/shadow's "root:$6$...:::"
     * reads as a key) must not reach a log.
     */
    static String key(String name) {
        return name.matches("[A-Za-z0-9_. -]{1," + TOKEN + "}") ? "'" + name + "'" : "(not shown: no key name)";
    }

    /** The value as a user would recognise it in a message. */
    static String describe(Node node) {
        return switch (node) {
            case Scalar s when s.kind() == Kind.NULL -> "nothing";
            case Scalar s -> s.kind().name().toLowerCase(Locale.ROOT) + " '" + token(s.text()) + "'";
            case Sequence _ -> "a list";
            case Mapping _ -> "a map";
        };
    }

    /** What kind of value it is, without quoting it: for a file that may hold secrets. */
    static String shape(Node node) {
        return switch (node) {
            case Scalar s when s.kind() == Kind.NULL -> "empty";
            case Scalar s -> "a " + s.kind().name().toLowerCase(Locale.ROOT);
            case Sequence _ -> "a list";
            case Mapping _ -> "a map";
        };
    }
}
