package org.jinetd.daemon.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads typed values out of YAML nodes. A wrong value becomes a {@link Problem} at its place
 * and an empty result, so that reading goes on and finds the next problem too.
 */
final class Fields {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private final List<Problem> problems;

    Fields(List<Problem> problems) {
        this.problems = problems;
    }

    void problem(Node.Mark mark, String what, String expected) {
        problems.add(Problem.at(mark, what, expected));
    }

    void rejectUnknown(Node.Mapping mapping, List<String> known, String kind) {
        for (var entry : mapping.entries().values()) {
            var key = entry.key();
            if (!known.contains(key.name())) {
                var hint = Keys.nearest(key.name(), known)
                        .map(k -> "a " + kind + "; did you mean '" + k + "'?")
                        .orElse("a " + kind + ": " + String.join(", ", known));
                problem(key.mark(), "unknown key " + Node.key(key.name()), hint);
            }
        }
    }

    /**
     * {@code "; did you mean 'X'?"} for the known name nearest to {@code typed}, where one is
     * near enough to be a likely typo (as for unknown keys), and not a short word that only
     * shares a length with it ({@code xy} is no typo of {@code lp}); else nothing.
     */
    static String didYouMean(String typed, List<String> known) {
        return Keys.nearest(typed, known)
                .filter(k -> !k.equals(typed) && Keys.distance(typed, k) < Math.min(typed.length(), k.length()))
                .map(k -> "; did you mean '" + k + "'?").orElse("");
    }

    Node.Mapping mapping(Node.Entry entry) {
        if (entry.value() instanceof Node.Mapping m) {
            return m;
        }
        if (entry.value() instanceof Node.Scalar s && s.kind() == Node.Kind.NULL) {
            return new Node.Mapping(Map.of(), s.mark());
        }
        problem(entry.value().mark(), "'" + entry.key().name() + "' is " + Node.describe(entry.value()), "a map");
        return null;
    }

    /**
     * A path as written (absolute or not), or a problem when no path can be made of it: the
     * table's text must never end the reading with an exception.
     */
    Optional<java.nio.file.Path> path(Node.Scalar scalar, String key) {
        try {
            return Optional.of(java.nio.file.Path.of(scalar.text()));
        } catch (java.nio.file.InvalidPathException e) {
            problem(scalar.mark(), key + " '" + Node.token(scalar.text()) + "' is not a path: " + e.getReason(),
                    "a path without NUL characters");
            return Optional.empty();
        }
    }

    /** {@link #path(Node.Scalar, String)} of a key's text value. */
    Optional<java.nio.file.Path> path(Node.Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        if (string(entry).isEmpty()) {
            return Optional.empty();
        }
        return path((Node.Scalar) entry.value(), entry.key().name());
    }

    Optional<String> string(Node.Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.value() instanceof Node.Scalar s && s.kind() != Node.Kind.NULL) {
            return Optional.of(s.text());
        }
        problem(entry.value().mark(), "'" + entry.key().name() + "' is " + Node.describe(entry.value()), "text");
        return Optional.empty();
    }

    boolean bool(Node.Entry entry, boolean absent) {
        if (entry == null) {
            return absent;
        }
        if (entry.value() instanceof Node.Scalar s) {
            switch (s.text().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> { return true; }
                case "false", "no", "off" -> { return false; }
                default -> { }
            }
        }
        problem(entry.value().mark(), "'" + entry.key().name() + "' is " + Node.describe(entry.value()),
                "true or false");
        return absent;
    }

    /** A whole number in {@code [min, max]}, or {@code unlimited} where {@code unlimited} is given. */
    Optional<Integer> integer(Node.Entry entry, long min, long max, Integer unlimited) {
        if (entry == null) {
            return Optional.empty();
        }
        var expected = "a whole number from %d to %d%s".formatted(min, max, unlimited != null ? " or 'unlimited'" : "");
        if (entry.value() instanceof Node.Scalar s && s.kind() != Node.Kind.NULL) {
            if (unlimited != null && s.text().equalsIgnoreCase("unlimited")) {
                return Optional.of(unlimited);
            }
            try {
                long value = Long.parseLong(s.text().strip());
                if (value >= min && value <= max) {
                    return Optional.of((int) value);
                }
                problem(s.mark(), "'" + entry.key().name() + "' is " + value + ", out of range", expected);
                return Optional.empty();
            } catch (NumberFormatException e) {
                // fall through to the type problem
            }
        }
        problem(entry.value().mark(), "'" + entry.key().name() + "' is " + Node.describe(entry.value()), expected);
        return Optional.empty();
    }

    /**
     * A count or a size: a whole number, with K, M or G (powers of 1024) for sizes, up to
     * 2^62; {@code unlimited} (-1) where {@code unlimitedAllowed}.
     *
     * @param name how the problem names the key ({@code rlimits.nofile})
     */
    Optional<Long> amount(Node.Entry entry, String name, boolean unlimitedAllowed) {
        var expected = "a whole number (K, M or G for sizes)" + (unlimitedAllowed ? " or 'unlimited'" : "");
        if (entry.value() instanceof Node.Scalar s && s.kind() != Node.Kind.NULL) {
            var text = s.text().strip();
            if (unlimitedAllowed && text.equalsIgnoreCase("unlimited")) {
                return Optional.of(-1L);
            }
            var m = java.util.regex.Pattern.compile("(\\d+)([KMG]?)").matcher(text);
            if (m.matches()) {
                int shift = switch (m.group(2)) {
                    case "K" -> 10;
                    case "M" -> 20;
                    case "G" -> 30;
                    default -> 0;
                };
                try {
                    long value = Long.parseLong(m.group(1));
                    if (value <= (1L << 62) >> shift) {
                        return Optional.of(value << shift);
                    }
                } catch (NumberFormatException e) {
                    // Past a long: out of range, as below.
                }
                problem(s.mark(), "'" + name + "' is " + Node.token(text) + ", out of range", expected + ", at most 2^62");
                return Optional.empty();
            }
        }
        problem(entry.value().mark(), "'" + name + "' is " + Node.describe(entry.value()), expected);
        return Optional.empty();
    }

    /** A list of text; a single text is a list of one. */
    Optional<List<Node.Scalar>> strings(Node.Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        var items = switch (entry.value()) {
            case Node.Sequence seq -> seq.items();
            case Node.Scalar s when s.kind() != Node.Kind.NULL -> List.<Node>of(s);
            case Node.Scalar s -> List.<Node>of();
            case Node.Mapping m -> null;
        };
        if (items == null) {
            problem(entry.value().mark(), "'" + entry.key().name() + "' is a map", "a list");
            return Optional.empty();
        }
        var out = new ArrayList<Node.Scalar>();
        boolean ok = true;
        for (var item : items) {
            if (item instanceof Node.Scalar s && s.kind() != Node.Kind.NULL) {
                out.add(s);
            } else {
                problem(item.mark(), "an item of '" + entry.key().name() + "' is " + Node.describe(item), "text");
                ok = false;
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** A map of text to text (numbers and booleans as written). */
    Optional<Map<String, String>> texts(Node.Entry entry) {
        if (entry == null) {
            return Optional.of(Map.of());
        }
        var mapping = mapping(entry);
        if (mapping == null) {
            return Optional.empty();
        }
        var out = new LinkedHashMap<String, String>();
        boolean ok = true;
        for (var e : mapping.entries().values()) {
            if (e.value() instanceof Node.Scalar s) {
                out.put(e.key().name(), s.text());
            } else {
                problem(e.value().mark(), "'" + entry.key().name() + "." + e.key().name() + "' is "
                        + Node.describe(e.value()), "text, a number or true/false");
                ok = false;
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    Duration duration(Node.Entry entry, Duration absent) {
        if (entry == null) {
            return absent;
        }
        if (entry.value() instanceof Node.Scalar s && s.kind() != Node.Kind.NULL) {
            var parsed = parseDuration(s.text());
            if (parsed != null) {
                return parsed;
            }
        }
        problem(entry.value().mark(), "'" + entry.key().name() + "' is " + Node.describe(entry.value()),
                "a duration such as 5s, 500ms, 2m or 1h (a bare number is seconds)");
        return absent;
    }

    /** Whether {@code text} is a duration above zero, however short: {@code 0.0001ms} is. */
    static boolean positiveDuration(String text) {
        var m = DURATION.matcher(text.strip());
        return m.matches() && Double.parseDouble(m.group(1)) > 0;
    }

    /** {@code 5}, {@code 5s}, {@code 500ms}, {@code 2m}, {@code 1h}; null if it is none of those. */
    static Duration parseDuration(String text) {
        var m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        double amount = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 1_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }
}
