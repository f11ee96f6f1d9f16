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

    final String source;
    final List<String> notes = new ArrayList<>();
    /** The table's {@code defaults:}, if the source had any that carry over. */
    Service defaults;
    final List<Service> services = new ArrayList<>();

    Imported(String source) {
        this.source = source;
    }

    /** A name not yet taken: {@code echo}, then {@code echo-udp}, then {@code echo-2}... */
    String unique(String wanted, String protocol) {
        var taken = services.stream().map(s -> s.name).toList();
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
    List<String> header() {
        return List.of("yaml-language-server: $schema=" + SCHEMA,
                "Converted by jinetd import from " + source + ".", "Check it with: jinetd check -c FILE");
    }

    /**
     * The table, with every comment in place. Every text goes through {@link Yaml}, so that
     * each comment stays one comment and each value reads back as itself.
     */
    String yaml() {
        var out = new StringBuilder();
        for (var line : header()) {
            out.append("# ").append(Yaml.comment(line)).append('\n');
        }
        for (var note : notes) {
            out.append("# ").append(Yaml.comment(note)).append('\n');
        }
        if (defaults != null) {
            for (var note : defaults.notes) {
                out.append("# ").append(Yaml.comment("defaults: " + note)).append('\n');
            }
            if (!defaults.keys.isEmpty()) {
                out.append("defaults:\n");
                keys(out, defaults, "  ");
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
            keys(out, service, "    ");
        }
        return out.toString();
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
