package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A service table converted from another inetd's, as it will be written: services with
 * their keys in order, and a comment wherever a setting had no counterpart.
 */
final class Imported {
    /** One key of a service: its value, and why, when it needs a word (null otherwise). */
    record Key(String name, Value value, String comment) {}

    /** One service: its keys, and the comments that stand above it. */
    static final class Service {
        final String name;
        final Map<String, Key> keys = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();

        Service(String name) {
            this.name = name;
        }

        void put(String key, Value value) {
            keys.put(key, new Key(key, value, null));
        }

        void put(String key, Value value, String comment) {
            keys.put(key, new Key(key, value, comment));
        }

        /** A setting with no counterpart, kept as a comment so that nothing is lost silently. */
        void note(String text) {
            notes.add(text);
        }
    }

    /** The old daemon, by name: xinetd, inetd. */
    final String daemon;
    final String source;
    final List<String> notes = new ArrayList<>();
    /** The table's {@code defaults:}, if the source had any that carry over. */
    Service defaults;
    final List<Service> services = new ArrayList<>();
    /** Names the table that includes this one has already. */
    private final Set<String> reserved;

    /** @param reserved names of services the including table has already; none for a table of its own */
    Imported(String daemon, String source, Set<String> reserved) {
        this.daemon = daemon;
        this.source = source;
        this.reserved = Set.copyOf(reserved);
    }

    /**
     * A name not yet taken, here or in the table that includes this one: {@code echo}, then
     * {@code echo-udp}, then {@code echo-2}...
     */
    String unique(String wanted, String protocol) {
        var taken = new java.util.HashSet<>(reserved);
        services.forEach(s -> taken.add(s.name));
        if (!taken.contains(wanted)) {
            return wanted;
        }
        if (protocol != null && !taken.contains(wanted + "-" + protocol) && Yaml.fits(wanted + "-" + protocol)) {
            return wanted + "-" + protocol;
        }
        for (int i = 2; ; i++) {
            if (!taken.contains(wanted + "-" + i)) {
                return wanted + "-" + i;
            }
        }
    }

    /**
     * The table's JSON Schema where the package installs it: one absolute path serves a table
     * written in /etc/jinetd/ and one in conf.d/ alike, as a relative one would not.
     */
    static final String SCHEMA = "/usr/share/jinetd/services.schema.json";

    /** What jinetd's daytime handler sends, for the note on an imported daytime (as its tests read it). */
    static final String DAYTIME = "jinetd's daytime sends RFC 867's form, 'Sunday, December 6, 2026 18:30:04-UTC'"
            + " (in the local time zone, ending in CR LF): a client that reads the line must read this form";

    /** The comments at the top of the table: a schema line for editors, where it came from, what to do next. */
    List<String> header(Form form) {
        return switch (form) {
            case Form.Table _ -> List.of("yaml-language-server: $schema=" + SCHEMA,
                    "Converted by jinetd import from " + source + ".", "Check it with: jinetd check -c FILE");
            case Form.Included included -> List.of("yaml-language-server: $schema=" + SCHEMA,
                    "Converted by jinetd import from " + source + ".",
                    "Included by " + included.including() + ": services alone, as an included file holds nothing"
                            + " else; " + daemon + "'s defaults are written into each service.",
                    "Check it with: jinetd check -c " + included.including());
        };
    }

    /** A table of its own. */
    String yaml() {
        return yaml(new Form.Table());
    }

    /**
     * The table, with every comment in place. Every text goes through {@link Yaml}, so that
     * each comment stays one comment and each value reads back as itself.
     */
    String yaml(Form form) {
        var out = new StringBuilder();
        for (var line : header(form)) {
            out.append("# ").append(Yaml.comment(line)).append('\n');
        }
        for (var note : notes) {
            out.append("# ").append(Yaml.comment(note)).append('\n');
        }
        var folded = form instanceof Form.Included included ? included : null;
        if (folded != null) {
            inherited(folded).forEach(note -> out.append("# ").append(Yaml.comment(note)).append('\n'));
        }
        if (defaults != null) {
            for (var note : defaults.notes) {
                out.append("# ").append(Yaml.comment("defaults: " + note)).append('\n');
            }
            if (!defaults.keys.isEmpty() && folded == null) {
                out.append("defaults:\n");
                keys(out, defaults, "  ");
            }
            if (folded != null) {
                // Said once here, not at each service the key is written into.
                for (var key : defaults.keys.values()) {
                    out.append("# ").append(Yaml.comment("defaults: " + key.name() + ": " + key.value().yaml()
                            + " is written into each service that sets no " + key.name()
                            + (key.comment() == null ? "" : " (" + key.comment() + ")"))).append('\n');
                }
            }
        }
        out.append("services:\n");
        if (services.isEmpty()) {
            out.append("  {}\n");
        }
        for (var service : services) {
            out.append('\n');
            for (var note : service.notes) {
                out.append("  # ").append(Yaml.comment(note)).append('\n');
            }
            out.append("  ").append(Yaml.key(service.name)).append(":\n");
            keys(out, folded == null ? service : folded(service, folded), "    ");
        }
        return out.toString();
    }

    /**
     * What the including table's defaults would change, and jinetd's own value that undoes it:
     * the keys a service of this import leaves to jinetd's defaults, as the old daemon had
     * them. A key of these that a service writes is its own.
     */
    private static final Map<String, Value> UNDONE = Map.of(
            "bind", Value.text("::"),
            "only_from", Value.texts(List.of()),
            "no_access", Value.texts(List.of()),
            "per_source", Value.text("unlimited"),
            "instances", Value.whole(64));

    /** What the old daemon meant by each key of {@link #UNDONE}, for its comment. */
    private String meant(String key) {
        return switch (key) {
            case "bind" -> daemon + " listened on every address";
            case "only_from", "no_access" -> daemon + " admitted every client";
            case "per_source" -> daemon + " had no limit per client";
            default -> daemon + " had no limit of instances; 64 is jinetd's own, as in a table of its own";
        };
    }

    /** The service, with the defaults' keys it does not write, then those that undo the including table's. */
    private Service folded(Service service, Form.Included form) {
        var out = new Service(service.name);
        out.keys.putAll(service.keys);
        if (defaults != null) {
            defaults.keys.forEach((key, value) -> out.keys.putIfAbsent(key, new Key(key, value.value(), null)));
        }
        for (var key : form.defaults().keySet()) {
            if (UNDONE.containsKey(key) && !out.keys.containsKey(key)) {
                out.put(key, UNDONE.get(key), meant(key) + "; the defaults of " + form.including().getFileName()
                        + " say " + key + ": " + form.defaults().get(key));
            }
        }
        return out;
    }

    /** A note for each key of the including table's defaults that reaches these services as it is. */
    private List<String> inherited(Form.Included form) {
        var kept = form.defaults().entrySet().stream().filter(e -> !UNDONE.containsKey(e.getKey()))
                .map(e -> e.getKey() + ": " + e.getValue()).toList();
        return kept.isEmpty() ? List.of() : List.of("The defaults of " + form.including() + " apply to these services"
                + " too, where one does not write the key: " + String.join(", ", kept) + " (" + daemon + " had no such"
                + " setting, or its own)");
    }

    /**
     * The lines of an old table, split where its daemon splits them (LF, CR, CRLF). An error
     * names the file: it may be one that an include brought in.
     */
    static List<String> lines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text", e);
        }
    }

    /**
     * The last part of a path as written, for comparing program names: text from the old
     * file, which may be no path at all ("/", or with a NUL).
     */
    static String fileName(String path) {
        var cut = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return cut.substring(cut.lastIndexOf('/') + 1);
    }

    private static void keys(StringBuilder out, Service service, String indent) {
        for (var key : service.keys.values()) {
            out.append(indent).append(key.name()).append(": ").append(key.value().yaml());
            if (key.comment() != null) {
                out.append("  # ").append(Yaml.comment(key.comment()));
            }
            out.append('\n');
        }
    }
}
