package org.jinetd.daemon.convert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service table converted from another inetd's, as it will be written: services with
 * their keys in order, and a comment wherever a setting had no counterpart.
 */
final class Imported {
    /** One key of a service: a YAML value already written, and why, when it needs a word. */
    record Key(String name, String yaml, String comment) {}

    /** One service: its keys, and the comments that stand above it. */
    static final class Service {
        final String name;
        final Map<String, Key> keys = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();

        Service(String name) {
            this.name = name;
        }

        void put(String key, String yaml) {
            keys.put(key, new Key(key, yaml, null));
        }

        void put(String key, String yaml, String comment) {
            keys.put(key, new Key(key, yaml, comment));
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
        if (protocol != null && !taken.contains(wanted + "-" + protocol)) {
            return wanted + "-" + protocol;
        }
        for (int i = 2; ; i++) {
            if (!taken.contains(wanted + "-" + i)) {
                return wanted + "-" + i;
            }
        }
    }

    /** The table, with a schema line for editors and every comment in place. */
    String yaml() {
        var out = new StringBuilder();
        out.append("# yaml-language-server: $schema=services.schema.json\n");
        out.append("# Converted by jinetd import from ").append(source).append(".\n");
        out.append("# Check it with: jinetd check -c FILE\n");
        for (var note : notes) {
            out.append("# ").append(note).append('\n');
        }
        if (defaults != null) {
            for (var note : defaults.notes) {
                out.append("# defaults: ").append(note).append('\n');
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
                out.append("  # ").append(note).append('\n');
            }
            out.append("  ").append(Yaml.key(service.name)).append(":\n");
            keys(out, service, "    ");
        }
        return out.toString();
    }

    private static void keys(StringBuilder out, Service service, String indent) {
        for (var key : service.keys.values()) {
            out.append(indent).append(key.name()).append(": ").append(key.yaml());
            if (key.comment() != null) {
                out.append("  # ").append(key.comment());
            }
            out.append('\n');
        }
    }
}
