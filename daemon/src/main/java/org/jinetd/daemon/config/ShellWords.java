package org.jinetd.daemon.config;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A program's arguments as check and list show them: each one as a POSIX shell would read
 * it back, so that where one argument ends, and a quote that is part of one ({@code 'echo}
 * from xinetd's {@code server_args = -c 'echo hi'}), can be seen. A plain word stays bare.
 */
public final class ShellWords {
    /** What a shell reads as itself, unquoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWords() {}

    public static String join(List<String> argv) {
        return argv.stream().map(ShellWords::quoted).collect(Collectors.joining(" "));
    }

    /**
     * {@code word} bare; else in single quotes; one with a single quote in it in double
     * quotes; one with a character that does not show as itself (a control, a line
     * separator, a bidi override) in bash's {@code $'...'}, each such character escaped
     * (ESC as {@code \x1b}; one past ASCII by its code point, never by a byte of its UTF-8).
     */
    static String quoted(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        if (word.codePoints().anyMatch(c -> !shown(c))) {
            return ansi(word);
        }
        if (word.indexOf('\'') < 0) {
            return "'" + word + "'";
        }
        var out = new StringBuilder("\"");
        word.codePoints().forEach(c -> {
            if (c == '"' || c == '\\' || c == '$' || c == '`') {
                out.append('\\');
            }
            out.appendCodePoint(c);
        });
        return out.append('"').toString();
    }

    private static String ansi(String word) {
        var out = new StringBuilder("$'");
        word.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (shown(c)) {
                        out.appendCodePoint(c);
                    } else if (c < 0x80) {
                        out.append("\\x%02x".formatted(c));
                    } else if (c <= 0xffff) {
                        out.append("\\u%04x".formatted(c));
                    } else {
                        out.append("\\U%08x".formatted(c));
                    }
                }
            }
        });
        return out.append('\'').toString();
    }

    /** Whether a code point shows as itself: no control, format character, separator other than space, or lone surrogate. */
    private static boolean shown(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            case Character.SPACE_SEPARATOR -> c == ' ';
            default -> true;
        };
    }
}
