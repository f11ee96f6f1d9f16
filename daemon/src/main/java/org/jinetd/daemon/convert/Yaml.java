package org.jinetd.daemon.convert;

import java.util.regex.Pattern;

/**
 * YAML scalars and comments written by hand (the converter keeps comments, which Jackson
 * cannot write), so that a YAML parser reads exactly what was meant and an editor shows it.
 *
 * <p>SnakeYAML (under Jackson) reads five characters as line breaks: LF, CR, NEL (U+0085),
 * LS (U+2028) and PS (U+2029). Inside a comment any of them would end the comment, and what
 * follows would be read as table while an editor shows one comment line. So no text is ever
 * written raw unless each of its characters shows as itself: line and paragraph separators,
 * controls (C0, DEL, C1, NEL among them), format characters (bidi overrides and isolates,
 * which reorder what an editor shows; zero-width ones; the BOM, U+FEFF), lone surrogates
 * (which no UTF-8 file can hold), private-use and unassigned code points, and spaces other
 * than U+0020 (a no-break space looks like the space that separates words) are written as
 * YAML's escapes ({@code \L}, {@code \x1B}, {@code \u202E}, ...), inside double quotes in a
 * value, as the same escapes in a comment.
 */
final class Yaml {
    /**
     * Longest key written: SnakeYAML gives up on a key of more than 1024 characters (it looks
     * no further for its ':'), and no name of a service or variable is that long.
     */
    static final int MAX_KEY = 1000;
    /**
     * Text that YAML 1.1 reads as a string when written bare: a word of letters, digits and
     * {@code /._+@-} that starts with a letter, a '/' or a '-' and a letter (an option). A
     * digit, '.', '+' or a lone '-' may start a number (0x1F, .5, 1_000, -.inf) or a list item;
     * '@' is reserved.
     */
    private static final Pattern PLAIN = Pattern.compile("(?:[A-Za-z/]|-[A-Za-z-])[A-Za-z0-9/._+@-]*");
    /** Words YAML 1.1 reads as true, false or null (y and n too: SnakeYAML does not, other readers do). */
    private static final Pattern WORDS = Pattern.compile("(?i)true|false|yes|no|on|off|y|n|null");

    private Yaml() {}

    /** A string, bare when YAML reads it as that string, in single quotes when it shows as itself, else escaped. */
    static String string(String value) {
        if (PLAIN.matcher(value).matches() && !WORDS.matcher(value).matches()) {
            return value;
        }
        return value.codePoints().allMatch(Yaml::shown) ? "'" + value.replace("'", "''") + "'" : text(value);
    }

    /** Any text, in double quotes with every character that does not show as itself escaped. */
    static String text(String value) {
        var out = new StringBuilder("\"");
        value.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (shown(c)) {
                out.appendCodePoint(c);
            } else {
                out.append(escape(c));
            }
        });
        return out.append('"').toString();
    }

    /**
     * The text of a comment, on one line: every character that does not show as itself
     * escaped as in {@link #text} (a backslash doubled, so that the comment reads back as
     * the text it stands for); a tab stays, as it shows as space and breaks no line.
     */
    static String comment(String value) {
        var out = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (c == '\\') {
                out.append("\\\\");
            } else if (shown(c) || c == '\t') {
                out.appendCodePoint(c);
            } else {
                out.append(escape(c));
            }
        });
        return out.toString();
    }

    static String key(String value) {
        return string(value);
    }

    /** Whether a key can be written at all: see {@link #MAX_KEY}. */
    static boolean fits(String key) {
        return key(key).length() <= MAX_KEY;
    }

    /** Whether a code point shows in an editor as itself, and as nothing else (see the class comment). */
    static boolean shown(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            case Character.SPACE_SEPARATOR -> c == ' ';
            default -> true;
        };
    }

    /** YAML's escape for one code point of a double-quoted scalar. */
    private static String escape(int c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case 0x85 -> "\\N";
            case 0xa0 -> "\\_";
            case 0x2028 -> "\\L";
            case 0x2029 -> "\\P";
            default -> c <= 0xff ? "\\x%02X".formatted(c) : c <= 0xffff ? "\\u%04X".formatted(c) : "\\U%08X".formatted(c);
        };
    }
}
