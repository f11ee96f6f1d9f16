package org.jinetd.daemon.log;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The key=value pairs of a log line that become journal fields, so that
 * {@code journalctl JINETD_SERVICE=git} finds a service's lines: {@code service=git} is
 * {@code JINETD_SERVICE=git}. A value in double quotes is read back as {@link LogText#quoted}
 * wrote it, so that text inside quotes is only ever a value: nothing a program writes to its
 * stderr, nor a client's error, can make a field of its own. A key counts the first time it
 * appears.
 */
final class Pairs {
    /** The keys of a line that become fields. */
    private static final List<String> KEYS = List.of("service", "peer", "via", "uid", "gid", "tls", "cipher", "sni", "pid", "exit", "signal", "reason",
            "refused", "error", "handler", "logger", "duration", "trace");
    /** Their fields, in the same order. */
    private static final List<String> FIELDS = KEYS.stream().map(k -> "JINETD_" + k.toUpperCase(java.util.Locale.ROOT))
            .toList();

    private Pairs() {}

    /** Gives each field of {@code message} to {@code field}: its name ({@code JINETD_SERVICE}) and value. */
    static void read(String message, BiConsumer<String, String> field) {
        int n = message.length();
        int seen = 0;
        int i = 0;
        while (i < n) {
            while (i < n && message.charAt(i) == ' ') {
                i++;
            }
            int keyStart = i;
            while (i < n && (message.charAt(i) >= 'a' && message.charAt(i) <= 'z' || message.charAt(i) == '_')) {
                i++;
            }
            boolean pair = i > keyStart && i < n && message.charAt(i) == '=';
            int key = pair ? KEYS.indexOf(message.substring(keyStart, i)) : -1;
            if (pair) {
                i++;
            }
            String value;
            if (pair && i < n && message.charAt(i) == '"') {
                var text = new StringBuilder();
                i++;
                while (i < n && message.charAt(i) != '"') {
                    char c = message.charAt(i++);
                    if (c == '\\' && i < n) {
                        i = unescape(message, i, text);
                    } else {
                        text.append(c);
                    }
                }
                i++;
                value = text.toString();
            } else {
                // A bare value, or a word that is no pair: up to the next space.
                int start = i;
                while (i < n && message.charAt(i) != ' ') {
                    i++;
                }
                value = message.substring(start, i);
            }
            if (key >= 0 && (seen & 1 << key) == 0) {
                seen |= 1 << key;
                field.accept(FIELDS.get(key), value);
            }
        }
    }

    /** Reads the escape after a backslash at {@code i}, as {@link LogText} wrote it; returns where the text goes on. */
    private static int unescape(String message, int i, StringBuilder into) {
        char escaped = message.charAt(i++);
        int digits = escaped == 'x' ? 2 : escaped == 'u' ? 4 : 0;
        if (digits > 0 && i + digits <= message.length()) {
            int code = 0;
            for (int d = i; d < i + digits && code >= 0; d++) {
                int digit = Character.digit(message.charAt(d), 16);
                code = digit < 0 ? -1 : code << 4 | digit;
            }
            if (code >= 0) {
                into.append((char) code);
                return i + digits;
            }
            // Not an escape of ours: the letter as it is.
        }
        into.append(switch (escaped) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> escaped;
        });
        return i;
    }
}
