package org.jinetd.daemon.convert;

import java.util.List;
import java.util.stream.Collectors;

/** YAML scalars and flow lists written by hand (the converter keeps comments, which Jackson cannot write). */
final class Yaml {
    private Yaml() {}

    /** A string, quoted when YAML would read it as something else. */
    static String string(String value) {
        boolean plain = !value.isEmpty()
                && value.chars().allMatch(c -> Character.isLetterOrDigit(c) || "/._-+@".indexOf(c) >= 0)
                && !value.matches("(?i)(true|false|yes|no|on|off|null|~|[-+]?[0-9].*)");
        return plain ? value : "'" + value.replace("'", "''") + "'";
    }

    /** Any text, double-quoted with escapes, so that newlines and control characters survive. */
    static String text(String value) {
        var out = new StringBuilder("\"");
        for (var c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c < 0x20 || c == 0x7f ? "\\x%02x".formatted((int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    static String key(String value) {
        return string(value);
    }

    static String list(List<String> values) {
        return values.stream().map(Yaml::string).collect(Collectors.joining(", ", "[", "]"));
    }
}
