package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An xinetd.conf as xinetd 2.3.15 reads it: its {@code defaults} entry and its services,
 * each attribute with the value xinetd ends up with. xinetd keeps the first value of a
 * plain attribute (it warns "attribute already set" and ignores the rest); the lists
 * ({@code only_from}, {@code no_access}, {@code log_on_*}, {@code passenv}, {@code env})
 * take {@code =}, {@code +=} and {@code -=} in order, and in {@code defaults} an {@code =}
 * adds as {@code +=} does.
 */
final class XinetdConf {
    /** xinetd's modifiable attributes (its table marks them -2): lists that take += and -=. */
    static final Set<String> LISTS = Set.of("only_from", "no_access", "log_on_success", "log_on_failure", "passenv",
            "env", "disabled", "enabled", "log_type");
    /** {@code key op values}; the values run to the end of the line, a U+2028 in them included. */
    private static final Pattern ATTRIBUTE = Pattern.compile("(?s)(\\w+)\\s*([+-]?=)\\s*(.*)");

    /** One line {@code key op values...}, in the order written, and where: {@code FILE line N}. */
    record Assignment(String key, String op, List<String> values, String where) {}

    /** A {@code service NAME} entry, or the {@code defaults} (name null), as written. */
    record Entry(String name, List<Assignment> assignments) {}

    Entry defaults = new Entry(null, new ArrayList<>());
    final List<Entry> services = new ArrayList<>();
    /** Files skipped, and why: written at the top of the table. */
    final List<String> notes = new ArrayList<>();
    /** The files being read, innermost last: a file that includes itself, directly or not, is read once. */
    private final List<Path> reading = new ArrayList<>();

    static XinetdConf read(Path file) throws IOException {
        var conf = new XinetdConf();
        conf.parse(file);
        return conf;
    }

    /**
     * The attributes xinetd keeps for {@code entry}: the first value of a plain one, every
     * list folded. {@code only_from} and {@code no_access} are left out: their values are
     * addresses, compared as xinetd compares them (see {@link XinetdAccess}).
     */
    static Map<String, List<String>> fold(Entry entry) {
        var out = new LinkedHashMap<String, List<String>>();
        boolean defaults = entry.name() == null;
        for (var a : entry.assignments()) {
            if (XinetdAccess.KEYS.contains(a.key())) {
                continue;
            }
            if (!LISTS.contains(a.key())) {
                // "+=" on a plain attribute is refused with a warning; the first "=" stands.
                if (a.op().equals("=")) {
                    out.putIfAbsent(a.key(), a.values());
                }
                continue;
            }
            var list = out.computeIfAbsent(a.key(), k -> new ArrayList<>());
            // disabled and enabled add whatever the operator (xinetd's parsers ignore it).
            var op = defaults && a.op().equals("=") || a.key().equals("disabled") || a.key().equals("enabled") ? "+="
                    : a.op();
            switch (op) {
                case "=" -> {
                    list.clear();
                    list.addAll(a.values());
                }
                case "+=" -> list.addAll(a.values());
                default -> list.removeAll(a.values());
            }
        }
        return out;
    }

    /** Where the value xinetd keeps of each plain attribute of {@code entry} was written ({@code FILE line N}). */
    static Map<String, String> places(Entry entry) {
        var out = new LinkedHashMap<String, String>();
        for (var a : entry.assignments()) {
            if (a.op().equals("=") && !LISTS.contains(a.key())) {
                out.putIfAbsent(a.key(), a.where());
            }
        }
        return out;
    }

    private void parse(Path file) throws IOException {
        var real = file.toAbsolutePath().normalize();
        if (reading.contains(real)) {
            notes.add(file + " includes itself (through " + reading.getLast() + "); read once");
            return;
        }
        // The top file is named by the admin; an included one that is not a regular file (a FIFO would
        // never end) is skipped.
        if (!reading.isEmpty() && !Files.isRegularFile(file)) {
            notes.add(file + " (included by " + reading.getLast() + ") is not a regular file; skipped");
            return;
        }
        reading.add(real);
        try {
            entries(file);
        } finally {
            reading.removeLast();
        }
    }

    private void entries(Path file) throws IOException {
        List<Assignment> current = null;
        String name = null;
        int number = 0;
        for (var raw : Imported.lines(file)) {
            number++;
            var hash = raw.indexOf('#');
            var line = (hash < 0 ? raw : raw.substring(0, hash)).strip();
            if (line.isEmpty() || line.equals("{")) {
                continue;
            }
            var words = line.split("\\s+");
            if (current == null) {
                switch (words[0]) {
                    case "defaults" -> {
                        current = defaults.assignments();
                        name = null;
                    }
                    case "service" -> {
                        current = new ArrayList<>();
                        name = words.length > 1 ? words[1] : "unnamed";
                    }
                    case "include" -> {
                        if (words.length > 1) {
                            var included = sibling(file, number, words[1]);
                            if (included.isPresent()) {
                                parse(included.get());
                            }
                        }
                    }
                    case "includedir" -> {
                        if (words.length > 1) {
                            var dir = sibling(file, number, words[1]);
                            if (dir.isPresent()) {
                                includeDir(dir.get());
                            }
                        }
                    }
                    default -> { }
                }
                continue;
            }
            if (line.equals("}")) {
                if (name != null) {
                    services.add(new Entry(name, current));
                }
                current = null;
                continue;
            }
            var m = ATTRIBUTE.matcher(line);
            if (m.matches()) {
                var values = m.group(3).isBlank() ? List.<String>of() : List.of(m.group(3).strip().split("\\s+"));
                current.add(new Assignment(m.group(1), m.group(2), values, file + " line " + number));
            }
        }
    }

    /** The file an include names, beside the including one; empty, with a note, when the name is no path (a NUL). */
    private Optional<Path> sibling(Path file, int number, String name) {
        try {
            return Optional.of(file.resolveSibling(name));
        } catch (InvalidPathException e) {
            notes.add(file + " line " + number + ": '" + name + "' is no path (" + e.getReason() + "); not read");
            return Optional.empty();
        }
    }

    /** xinetd reads every file of the directory but those whose name has a '.' or ends in '~'. */
    private void includeDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (var file : files.sorted().toList()) {
                var name = file.getFileName().toString();
                if (!name.contains(".") && !name.endsWith("~") && Files.isRegularFile(file)) {
                    parse(file);
                }
            }
        }
    }
}
