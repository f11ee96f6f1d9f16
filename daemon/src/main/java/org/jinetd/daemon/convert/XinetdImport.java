package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Converts an xinetd.conf (its {@code defaults}, {@code include} and {@code includedir},
 * and the service files Debian's xinetd ships) into a jinetd table. Every attribute that
 * has no counterpart becomes a comment on its service.
 */
final class XinetdImport {
    /** xinetd's internal services that jinetd has as built-in handlers. */
    private static final Set<String> BUILTINS = Set.of("echo", "discard", "chargen", "daytime", "time");
    /** Attributes with no counterpart, and why, in words for the comment. */
    private static final Map<String, String> NO_COUNTERPART = Map.ofEntries(
            Map.entry("log_type", "jinetd logs to stderr (journald under systemd)"),
            Map.entry("log_on_success", "jinetd logs every connection when it ends"),
            Map.entry("log_on_failure", "jinetd logs every refusal with its reason"),
            Map.entry("passenv", "jinetd passes nothing of its own environment; use env"),
            Map.entry("access_times", "no time-of-day rules"),
            Map.entry("max_load", "no load-average rule"),
            Map.entry("deny_time", "no blocking after a refusal"),
            Map.entry("libwrap", "no tcp_wrappers; use only_from and no_access"),
            Map.entry("mdns", "no mDNS registration"),
            Map.entry("groups", "supplementary groups come from the group database"),
            Map.entry("rlimit_data", "no data-segment limit; rlimits.as limits the address space"),
            Map.entry("rlimit_rss", "Linux ignores RLIMIT_RSS"),
            Map.entry("rlimit_stack", "no stack limit key"),
            Map.entry("id", "the service's name is its id"),
            Map.entry("rpc_version", "RPC services are not supported"),
            Map.entry("rpc_number", "RPC services are not supported"));

    private final Imported out;

    private XinetdImport(Path file) {
        this.out = new Imported("the xinetd table " + file);
    }

    /** What xinetd's {@code defaults} give every service; the rest of it has no counterpart. */
    private static final List<String> INHERITED = List.of("only_from", "no_access", "instances", "per_source", "cps",
            "bind", "banner", "banner_fail", "banner_success", "umask", "groups", "passenv");

    static Imported convert(Path file) throws IOException {
        var importer = new XinetdImport(file);
        var parsed = new Parsed();
        parse(file, parsed);
        importer.defaults(parsed.defaults);
        for (var block : parsed.services) {
            importer.service(block, parsed.defaults.containsKey("bind"));
        }
        return importer.out;
    }

    /** xinetd's {@code defaults} become the table's: what every service inherits, once. */
    private void defaults(Map<String, List<String>> defaults) {
        var d = new Imported.Service("defaults");
        var inherited = new LinkedHashMap<String, List<String>>();
        defaults.forEach((key, values) -> {
            if (INHERITED.contains(key)) {
                inherited.put(key, values);
            } else {
                d.note(key + " = " + String.join(" ", values) + ": "
                        + NO_COUNTERPART.getOrDefault(key, "no counterpart in defaults"));
            }
        });
        first(inherited, "bind").ifPresent(b -> d.put("bind", Yaml.string(b)));
        first(inherited, "umask").ifPresent(u -> d.put("umask", Yaml.string(u)));
        limits(inherited, d);
        for (var key : List.of("groups", "passenv")) {
            if (inherited.containsKey(key)) {
                d.note(key + " = " + String.join(" ", inherited.get(key)) + ": " + NO_COUNTERPART.get(key));
            }
        }
        if (!d.keys.isEmpty() || !d.notes.isEmpty()) {
            out.defaults = d;
        }
    }

    /** One {@code service NAME { ... }} block: its attributes, values as written. */
    private record Block(String name, Map<String, List<String>> attributes) {}

    private static final class Parsed {
        Map<String, List<String>> defaults = new LinkedHashMap<>();
        final List<Block> services = new ArrayList<>();
    }

    private static void parse(Path file, Parsed into) throws IOException {
        Map<String, List<String>> current = null;
        String name = null;
        for (var raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            var hash = raw.indexOf('#');
            var line = (hash < 0 ? raw : raw.substring(0, hash)).strip();
            if (line.isEmpty() || line.equals("{")) {
                continue;
            }
            var words = line.split("\\s+");
            if (current == null) {
                switch (words[0]) {
                    case "defaults" -> {
                        current = into.defaults;
                        name = null;
                    }
                    case "service" -> {
                        current = new LinkedHashMap<>();
                        name = words.length > 1 ? words[1] : "unnamed";
                    }
                    case "include" -> {
                        if (words.length > 1) {
                            parse(file.resolveSibling(words[1]), into);
                        }
                    }
                    case "includedir" -> {
                        if (words.length > 1) {
                            includeDir(file.resolveSibling(words[1]), into);
                        }
                    }
                    default -> { }
                }
                continue;
            }
            if (line.equals("}")) {
                if (name != null) {
                    into.services.add(new Block(name, current));
                }
                current = null;
                continue;
            }
            attribute(line, current);
        }
    }

    /** xinetd reads every file of the directory but those whose name has a '.' or ends in '~'. */
    private static void includeDir(Path dir, Parsed into) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (var file : files.sorted().toList()) {
                var name = file.getFileName().toString();
                if (!name.contains(".") && !name.endsWith("~") && Files.isRegularFile(file)) {
                    parse(file, into);
                }
            }
        }
    }

    private static void attribute(String line, Map<String, List<String>> into) {
        var m = java.util.regex.Pattern.compile("(\\w+)\\s*([+-]?=)\\s*(.*)").matcher(line);
        if (!m.matches()) {
            return;
        }
        var values = m.group(3).isBlank() ? List.<String>of() : List.of(m.group(3).strip().split("\\s+"));
        switch (m.group(2)) {
            case "+=" -> into.computeIfAbsent(m.group(1), k -> new ArrayList<>()).addAll(values);
            case "-=" -> into.computeIfAbsent(m.group(1), k -> new ArrayList<>()).removeAll(values);
            default -> into.put(m.group(1), new ArrayList<>(values));
        }
    }

    /** @param defaultBind whether the defaults give a {@code bind} (then {@code flags = IPv4} adds none) */
    private void service(Block block, boolean defaultBind) {
        // What the defaults give is in the table's defaults: only the service's own settings here.
        var a = new LinkedHashMap<>(block.attributes());
        var protocol = first(a, "protocol").orElse(first(a, "socket_type").filter("dgram"::equals).map(t -> "udp")
                .orElse("tcp"));
        var s = new Imported.Service(out.unique(block.name(), protocol));
        out.services.add(s);
        if (!s.name.equals(block.name())) {
            s.note("xinetd's service " + block.name() + " (" + protocol + ")");
        }
        var type = a.getOrDefault("type", List.of());
        var socketType = first(a, "socket_type").orElse("stream");
        if (!protocol.equals("tcp")) {
            s.put("protocol", Yaml.string(protocol));
        }
        if (socketType.equals("raw") || socketType.equals("seqpacket")) {
            s.note("socket_type = " + socketType + ": not supported (stream and dgram are)");
        }
        var port = first(a, "port");
        if (port.isPresent()) {
            s.put("port", port.get());
        } else if (!s.name.equals(block.name())) {
            // Renamed to be unique: the port still comes from the name xinetd knew it by.
            s.put("port", Yaml.string(block.name()));
        }
        if (a.containsKey("bind") || a.containsKey("interface")) {
            first(a, a.containsKey("bind") ? "bind" : "interface").ifPresent(b -> s.put("bind", Yaml.string(b)));
        }
        var flags = a.getOrDefault("flags", List.of());
        if (flags.contains("IPv4") && !s.keys.containsKey("bind") && !defaultBind) {
            s.put("bind", Yaml.string("0.0.0.0"));
        }
        if (flags.contains("NODELAY")) {
            s.put("nodelay", "true");
        }
        if (flags.contains("KEEPALIVE")) {
            s.put("keepalive", "true");
        }
        var otherFlags = flags.stream().filter(f -> !Set.of("IPv4", "IPv6", "NODELAY", "KEEPALIVE", "REUSE").contains(f))
                .toList();
        if (!otherFlags.isEmpty()) {
            s.note("flags " + String.join(" ", otherFlags) + ": no counterpart");
        }
        if (type.contains("INTERNAL")) {
            if (BUILTINS.contains(block.name())) {
                s.put("handler", block.name());
            } else {
                s.note("xinetd's internal service " + block.name() + " has no jinetd counterpart; disabled");
                s.put("handler", "echo", "a stand-in: set what should serve it");
                s.put("disabled", "true");
            }
        } else if (a.containsKey("redirect")) {
            var target = a.get("redirect");
            s.put("redirect", Yaml.string(target.size() > 1 ? target.get(0) + ":" + target.get(1) : target.getFirst()));
        } else if (a.containsKey("server")) {
            var argv = new ArrayList<String>();
            argv.add(a.get("server").getFirst());
            argv.addAll(a.getOrDefault("server_args", List.of()));
            s.put("exec", Yaml.list(argv));
            first(a, "wait").filter(w -> w.equalsIgnoreCase("yes")).ifPresent(w -> s.put("wait", "true"));
            first(a, "user").ifPresent(u -> s.put("user", Yaml.string(u)));
            first(a, "group").ifPresent(g -> s.put("group", Yaml.string(g)));
            var env = a.getOrDefault("env", List.of());
            if (!env.isEmpty()) {
                s.put("env", env.stream().filter(e -> e.contains("="))
                        .map(e -> Yaml.key(e.substring(0, e.indexOf('='))) + ": " + Yaml.string(e.substring(e.indexOf('=') + 1)))
                        .collect(java.util.stream.Collectors.joining(", ", "{", "}")));
            }
            first(a, "nice").ifPresent(n -> s.put("nice", n));
            first(a, "umask").ifPresent(u -> s.put("umask", Yaml.string(u)));
            var rlimits = new ArrayList<String>();
            first(a, "rlimit_as").ifPresent(v -> rlimits.add("as: " + Yaml.string(limit(v))));
            first(a, "rlimit_cpu").ifPresent(v -> rlimits.add("cpu: " + Yaml.string(limit(v))));
            first(a, "rlimit_files").ifPresent(v -> rlimits.add("nofile: " + Yaml.string(limit(v))));
            if (!rlimits.isEmpty()) {
                s.put("rlimits", "{" + String.join(", ", rlimits) + "}");
            }
        } else {
            s.note("no server, redirect or INTERNAL type: nothing to run; disabled");
            s.put("handler", "echo", "a stand-in: set what should serve it");
            s.put("disabled", "true");
        }
        if (type.contains("UNLISTED") && !a.containsKey("port")) {
            s.note("UNLISTED without a port: set port");
        }
        limits(a, s);
        if (first(a, "disable").map(d -> d.equalsIgnoreCase("yes")).orElse(false)) {
            s.put("disabled", "true");
        }
        for (var key : a.keySet()) {
            if (NO_COUNTERPART.containsKey(key)) {
                s.note(key + " = " + String.join(" ", a.get(key)) + ": " + NO_COUNTERPART.get(key));
            }
        }
    }

    /** Access lists, limits, rate and banners: a service's own, or the defaults'. */
    private static void limits(Map<String, List<String>> a, Imported.Service s) {
        list(a, "only_from").ifPresent(l -> s.put("only_from", Yaml.list(l)));
        list(a, "no_access").ifPresent(l -> s.put("no_access", Yaml.list(l)));
        first(a, "instances").ifPresent(i -> s.put("instances", i.equalsIgnoreCase("UNLIMITED") ? "unlimited" : i));
        first(a, "per_source").ifPresent(i -> s.put("per_source", i.equalsIgnoreCase("UNLIMITED") ? "unlimited" : i));
        var cps = a.getOrDefault("cps", List.of());
        if (!cps.isEmpty()) {
            s.put("rate", "{per_second: %s, burst: %s}".formatted(cps.getFirst(), cps.getFirst()),
                    "xinetd's cps switched the service off for " + (cps.size() > 1 ? cps.get(1) : "?")
                            + " s; jinetd holds clients back instead");
        }
        first(a, "banner").ifPresent(f -> s.put("banner_fail", "{file: " + Yaml.string(f) + "}",
                "xinetd's banner is shown to every client, refused ones too"));
        first(a, "banner_success").ifPresent(f -> s.put("banner", "{file: " + Yaml.string(f) + "}"));
        first(a, "banner_fail").ifPresent(f -> s.put("banner_fail", "{file: " + Yaml.string(f) + "}"));
    }

    private static String limit(String value) {
        return value.equalsIgnoreCase("UNLIMITED") ? "unlimited" : value;
    }

    private static java.util.Optional<String> first(Map<String, List<String>> a, String key) {
        var values = a.get(key);
        return values == null || values.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(values.getFirst());
    }

    private static java.util.Optional<List<String>> list(Map<String, List<String>> a, String key) {
        var values = a.get(key);
        return values == null || values.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(values);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
