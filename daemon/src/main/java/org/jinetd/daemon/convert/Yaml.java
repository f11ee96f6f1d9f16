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

    static String key(String value) {
        return string(value);
    }

    static String list(List<String> values) {
        return values.stream().map(Yaml::string).collect(Collectors.joining(", ", "[", "]"));
    }
}
