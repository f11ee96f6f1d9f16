package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts an xinetd.conf (its {@code defaults}, {@code include} and {@code includedir},
 * and the service files Debian's xinetd ships) into a jinetd table that serves what xinetd
 * 2.3.15 served: the same services on, the same clients admitted, xinetd's own limits
 * written where jinetd's differ. Every attribute that has no counterpart becomes a comment
 * on its service.
 */
final class XinetdImport {
    /** Attributes with no counterpart, and why, in words for the comment. */
    private static final Map<String, String> NO_COUNTERPART = Map.ofEntries(
            Map.entry("log_on_success", "jinetd logs every connection when it ends"),
            Map.entry("log_on_failure", "jinetd logs every refusal with its reason"),
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
            Map.entry("rpc_number", "RPC services are not supported"),
            Map.entry("passenv", "jinetd passes nothing of its own environment; use env"),
            Map.entry("log_type", "one log for the whole table: the top-level log: (syslog, or a file); "
                    + "the journal under systemd by default"));

    /** Service attributes this importer writes as keys (or, for {@code disable}, as {@code disabled}). */
    private static final Set<String> HANDLED = Set.of("socket_type", "protocol", "wait", "user", "group", "server",
            "server_args", "instances", "type", "env", "port", "flags", "nice", "redirect", "banner", "bind",
            "interface", "per_source", "banner_success", "banner_fail", "cps", "disable", "rlimit_as", "rlimit_cpu",
            "rlimit_files", "umask", "v6only");
    /** What the defaults give that jinetd's defaults take; the rest of them becomes comments. */
    private static final Set<String> DEFAULTS_HANDLED = Set.of("bind", "interface", "umask", "instances",
            "per_source", "cps", "banner", "banner_success", "banner_fail", "disabled", "enabled", "v6only");
    /** xinetd's flags that change nothing here: jinetd always reuses addresses and never applies tcp_wrappers. */
    private static final Set<String> SILENT_FLAGS = Set.of("IPv4", "IPv6", "NODELAY", "KEEPALIVE", "REUSE", "NOLIBWRAP",
            "NAMEINARGS");

    private final Imported out;
    private final Map<String, List<String>> defaults;
    private final Map<String, XinetdAccess.Rules> defaultRules;
    /** The jinetd lists written in the table's defaults, by key. */
    private final Map<String, List<String>> defaultLists = new LinkedHashMap<>();

    private XinetdImport(Path file, XinetdConf conf) {
        this.out = new Imported("the xinetd table " + file);
        this.defaults = XinetdConf.fold(conf.defaults);
        this.defaultRules = XinetdAccess.fold(conf.defaults, Map.of());
    }

    static Imported convert(Path file) throws IOException {
        return convert(file, List.of(Path.of("/etc/hosts.allow"), Path.of("/etc/hosts.deny")));
    }

    /** @param wrappers tcp_wrappers' files, which Debian's xinetd (built with libwrap) applies to every service */
    static Imported convert(Path file, List<Path> wrappers) throws IOException {
        var conf = XinetdConf.read(file);
        var importer = new XinetdImport(file, conf);
        importer.out.notes.addAll(conf.notes);
        importer.wrappers(wrappers, conf);
        importer.defaults();
        for (var entry : conf.services) {
            importer.service(entry);
        }
        return importer.out;
    }

    /** Rules in hosts.allow or hosts.deny narrowed who xinetd served; jinetd never reads them. */
    private void wrappers(List<Path> files, XinetdConf conf) throws IOException {
        boolean wrapped = conf.services.stream()
                .anyMatch(e -> !XinetdConf.fold(e).getOrDefault("flags", List.of()).contains("NOLIBWRAP"));
        for (var file : files) {
            if (!wrapped || !Files.isRegularFile(file)) {
                continue;
            }
            var rules = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            if (!rules.isEmpty()) {
                out.notes.add(file + " has " + rules.size() + " rule" + (rules.size() == 1 ? "" : "s") + ", which xinetd"
                        + " (built with libwrap) applied to every service without flags NOLIBWRAP; jinetd does not"
                        + " read it: write them as only_from and no_access");
            }
        }
    }

    /** xinetd's defaults become the table's; where xinetd's built-in limits differ from jinetd's, they are written. */
    private void defaults() {
        var d = new Imported.Service("defaults");
        out.defaults = d;
        defaults.forEach((key, values) -> {
            if (!DEFAULTS_HANDLED.contains(key)) {
                d.note(key + " = " + String.join(" ", values) + ": "
                        + NO_COUNTERPART.getOrDefault(key, "no counterpart in defaults"));
            }
        });
        first(defaults, defaults.containsKey("bind") ? "bind" : "interface").ifPresent(b -> d.put("bind", Yaml.string(b)));
        first(defaults, "v6only").filter("yes"::equalsIgnoreCase).ifPresent(v -> d.put("v6only", "true"));
        first(defaults, "umask").ifPresent(u -> d.put("umask", Yaml.string(u)));
        for (var key : List.of("only_from", "no_access")) {
            var rules = defaultRules.get(key);
            if (rules == null) {
                continue;
            }
            var converted = XinetdAccess.convert(key, rules);
            converted.notes().forEach(d::note);
            if (rules.fatal()) {
                d.note("xinetd rejects this " + key + " ('" + rules.badWord() + "') in defaults and exits: it served"
                        + " nothing with this file; every service that keeps this " + key + " is disabled");
            } else if (converted.disable() != null) {
                d.note(converted.disable() + "; every service that keeps this " + key + " is disabled");
            }
            if (!converted.prefixes().isEmpty()) {
                d.put(key, Yaml.list(converted.prefixes()));
                defaultLists.put(key, converted.prefixes());
            }
        }
        var instances = first(defaults, "instances");
        if (instances.filter("0"::equals).isPresent()) {
            d.note("instances = 0: xinetd refused every client; every service that keeps it is disabled");
        } else if (instances.isPresent()) {
            d.put("instances", limit(instances.get()));
        } else {
            d.put("instances", "unlimited", "xinetd's default: no limit (jinetd's is 64)");
        }
        first(defaults, "per_source").ifPresent(p -> d.put("per_source", limit(p)));
        var cps = defaults.get("cps");
        if (cps == null) {
            d.put("rate", "{per_second: 50, burst: 50}", "xinetd's default cps = 50 10 switched a service off for 10 s"
                    + " past 50 connections a second; jinetd holds clients back instead");
        } else {
            rate(cps, d);
        }
    }

    private void service(XinetdConf.Entry entry) {
        var a = XinetdConf.fold(entry);
        var name = entry.name();
        var protocol = first(a, "protocol").orElse(first(a, "socket_type").filter("dgram"::equals).map(t -> "udp")
                .orElse("tcp"));
        var s = new Imported.Service(out.unique(name, protocol));
        out.services.add(s);
        if (!s.name.equals(name)) {
            s.note("xinetd's service " + name + " (" + protocol + ")");
        }
        var disable = new ArrayList<String>();
        var id = first(a, "id").orElse(name);
        if (first(a, "disable").map("yes"::equalsIgnoreCase).orElse(false)) {
            disable.add("disable = yes");
        }
        if (defaults.containsKey("enabled") && !defaults.get("enabled").contains(id)) {
            disable.add(id + " is not in the defaults' enabled list");
        }
        if (defaults.getOrDefault("disabled", List.of()).contains(id)) {
            disable.add(id + " is in the defaults' disabled list");
        }
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
        } else if (!s.name.equals(name)) {
            // Renamed to be unique: the port still comes from the name xinetd knew it by.
            s.put("port", Yaml.string(name));
        }
        first(a, a.containsKey("bind") ? "bind" : "interface").ifPresent(b -> s.put("bind", Yaml.string(b)));
        var flags = a.getOrDefault("flags", List.of());
        if (flags.contains("IPv4") && !s.keys.containsKey("bind") && !defaults.containsKey("bind")) {
            s.put("bind", Yaml.string("0.0.0.0"));
        }
        first(a, "v6only").filter("yes"::equalsIgnoreCase).ifPresent(v -> s.put("v6only", "true"));
        if (flags.contains("NODELAY")) {
            s.put("nodelay", "true");
        }
        if (flags.contains("KEEPALIVE")) {
            s.put("keepalive", "true");
        }
        var otherFlags = flags.stream().filter(f -> !SILENT_FLAGS.contains(f)).toList();
        if (!otherFlags.isEmpty()) {
            s.note("flags " + String.join(" ", otherFlags) + ": no counterpart");
        }
        boolean waits = XinetdLaunch.write(name, a, s, disable);
        if (a.getOrDefault("type", List.of()).contains("UNLISTED") && !a.containsKey("port")) {
            s.note("UNLISTED without a port: set port");
        }
        first(a, "instances").filter(i -> !i.equals("0")).ifPresent(i -> s.put("instances", limit(i)));
        if (first(a, "instances").or(() -> first(defaults, "instances")).filter("0"::equals).isPresent()) {
            disable.add("instances = 0: xinetd refused every client");
        }
        first(a, "per_source").ifPresent(i -> s.put("per_source", limit(i)));
        if (a.containsKey("cps")) {
            rate(a.get("cps"), s);
        }
        access(XinetdAccess.fold(entry, defaultRules), waits ? protocol : null, s, disable);
        if (waits) {
            if (defaults.containsKey("per_source") && !a.containsKey("per_source")) {
                s.put("per_source", "unlimited", "jinetd never sees the clients of a wait service");
            }
            if (a.containsKey("banner") || a.containsKey("banner_success") || a.containsKey("banner_fail")
                    || defaults.containsKey("banner") || defaults.containsKey("banner_success")
                    || defaults.containsKey("banner_fail")) {
                s.note("banners: jinetd never sees the clients of a wait service, so it sends none");
            }
        } else {
            XinetdBanners.write(a, defaults, s);
        }
        for (var key : a.keySet()) {
            if (!HANDLED.contains(key)) {
                s.note(key + " = " + String.join(" ", a.get(key)) + ": "
                        + NO_COUNTERPART.getOrDefault(key, "no counterpart"));
            }
        }
        if (!disable.isEmpty()) {
            s.put("disabled", "true", String.join("; ", disable));
        }
    }

    /** The service's only_from and no_access, where they differ from the table's defaults. */
    /** @param waits the protocol of a wait service's program, which accepts its clients itself; null otherwise */
    private void access(Map<String, XinetdAccess.Rules> rules, String waits, Imported.Service s, List<String> disable) {
        var unchecked = new ArrayList<String>();
        for (var key : List.of("only_from", "no_access")) {
            var mine = rules.get(key);
            if (mine == null) {
                continue;
            }
            var inherited = mine.equals(defaultRules.get(key));
            var converted = XinetdAccess.convert(key, mine);
            if (waits != null) {
                if (defaultLists.containsKey(key)) {
                    s.put(key, "[]", "a wait service's program accepts its clients itself: jinetd cannot check them");
                }
                if (waits.equals("tcp")) {
                    s.note(key + ": not applied, as xinetd did not apply it to a tcp wait service either");
                } else if (!mine.entries().isEmpty() || mine.fatal() || key.equals("only_from")) {
                    unchecked.add(key);
                }
                continue;
            }
            if (converted.disable() != null) {
                disable.add(inherited ? converted.disable() + " (from the defaults)" : converted.disable());
            }
            if (inherited) {
                continue;
            }
            converted.notes().forEach(s::note);
            var written = defaultLists.getOrDefault(key, List.of());
            if (!converted.prefixes().equals(written) && (!converted.prefixes().isEmpty() || key.equals("no_access"))) {
                s.put(key, Yaml.list(converted.prefixes()));
            }
        }
        if (!unchecked.isEmpty()) {
            disable.add("xinetd checked " + String.join(" and ", unchecked) + " on the first datagram of this wait"
                    + " service, which jinetd cannot: enable it once a firewall keeps the same clients out");
        }
    }

    /** xinetd's cps switched a busy service off; jinetd's rate holds clients back. 0 turns xinetd's check off. */
    private static void rate(List<String> cps, Imported.Service s) {
        if (cps.isEmpty() || cps.getFirst().equals("0")) {
            s.note("cps = " + String.join(" ", cps) + ": xinetd's check is off, so no rate is written");
            return;
        }
        s.put("rate", "{per_second: %s, burst: %s}".formatted(cps.getFirst(), cps.getFirst()),
                "xinetd's cps switched the service off for " + (cps.size() > 1 ? cps.get(1) : "?")
                        + " s; jinetd holds clients back instead");
    }

    private static String limit(String value) {
        return value.equalsIgnoreCase("UNLIMITED") ? "unlimited" : value;
    }

    static java.util.Optional<String> first(Map<String, List<String>> a, String key) {
        var values = a.get(key);
        return values == null || values.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(values.getFirst());
    }
}
