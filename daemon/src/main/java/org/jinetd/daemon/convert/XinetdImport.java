package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

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
    /** Where each of the defaults' attributes was written, for notes. */
    private final Map<String, String> defaultPlaces;
    private final Map<String, XinetdAccess.Rules> defaultRules;
    /** The jinetd lists written in the table's defaults, by key. */
    private final Map<String, List<String>> defaultLists = new LinkedHashMap<>();
    /** Attributes of the defaults that xinetd fails on, and so exits: it served nothing with the file. */
    private final List<String> fatal = new ArrayList<>();
    private final Function<String, List<String>> resolver;

    private XinetdImport(Path file, XinetdConf conf, Function<String, List<String>> resolver, Set<String> taken) {
        this.out = new Imported("xinetd", "the xinetd table " + file, taken);
        this.defaults = XinetdConf.fold(conf.defaults);
        this.defaultPlaces = XinetdConf.places(conf.defaults);
        this.defaultRules = XinetdAccess.fold(conf.defaults, Map.of());
        this.resolver = resolver;
    }

    /** @param taken names of services the including table has already */
    static Imported convert(Path file, Set<String> taken) throws IOException {
        return convert(file, List.of(Path.of("/etc/hosts.allow"), Path.of("/etc/hosts.deny")), XinetdAddress::resolve,
                taken);
    }

    /**
     * @param wrappers tcp_wrappers' files, which Debian's xinetd (built with libwrap) applies to every service
     * @param resolver the addresses xinetd would admit for a host name of only_from or no_access
     */
    static Imported convert(Path file, List<Path> wrappers, Function<String, List<String>> resolver, Set<String> taken)
            throws IOException {
        var conf = XinetdConf.read(file);
        var importer = new XinetdImport(file, conf, resolver, taken);
        importer.out.notes.addAll(conf.notes);
        importer.wrappers(wrappers, conf);
        importer.defaults();
        for (var entry : conf.services) {
            importer.service(entry);
        }
        if (importer.out.services.stream().anyMatch(s -> s.keys.containsKey("exec"))) {
            importer.out.notes.add("Programs: xinetd set REMOTE_HOST to the client's address (a number, never a"
                    + " name); jinetd sets REMOTE_HOST to that address too, with REMOTE_ADDR and TCPREMOTEIP beside it");
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
            var rules = Imported.lines(file).stream().map(String::strip)
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
        first(defaults, defaults.containsKey("bind") ? "bind" : "interface").ifPresent(b -> d.put("bind", Value.text(b)));
        first(defaults, "v6only").filter("yes"::equalsIgnoreCase).ifPresent(v -> d.put("v6only", Value.on()));
        first(defaults, "umask").ifPresent(u -> d.put("umask", Value.text(u)));
        for (var key : List.of("only_from", "no_access")) {
            var rules = defaultRules.get(key);
            if (rules == null) {
                continue;
            }
            var converted = XinetdAccess.convert(key, rules, resolver);
            converted.notes().forEach(d::note);
            if (rules.fatal()) {
                d.note("xinetd rejects this " + key + " ('" + rules.badWord() + "') in defaults and exits: it served"
                        + " nothing with this file; every service that keeps this " + key + " is disabled");
            } else if (converted.disable() != null) {
                d.note(converted.disable() + "; every service that keeps this " + key + " is disabled");
            }
            if (!converted.prefixes().isEmpty()) {
                d.put(key, Value.texts(converted.prefixes()));
                defaultLists.put(key, converted.prefixes());
            }
        }
        var instances = first(defaults, "instances");
        if (instances.isPresent() && XinetdLimits.limit(instances.get()).isEmpty()) {
            fails(d, "instances", instances.get());
        } else if (instances.flatMap(XinetdLimits::limit).filter(Value.whole(0)::equals).isPresent()) {
            d.note("instances = 0: xinetd refused every client; every service that keeps it is disabled");
        } else if (instances.isPresent()) {
            d.put("instances", XinetdLimits.limit(instances.get()).orElseThrow());
        } else {
            d.put("instances", Value.text("unlimited"), "xinetd's default: no limit (jinetd's is 64)");
        }
        var perSource = first(defaults, "per_source");
        if (perSource.isPresent() && XinetdLimits.limit(perSource.get()).isEmpty()) {
            fails(d, "per_source", perSource.get());
        }
        perSource.flatMap(XinetdLimits::limit).ifPresent(p -> d.put("per_source", p));
        var cps = defaults.get("cps");
        if (cps != null && cps.size() != 2) {
            d.note(XinetdLimits.ignored(defaultPlaces, cps));
        }
        if (cps == null || cps.size() != 2) {
            d.put("rate", Value.entries("per_second", Value.whole(50), "burst", Value.whole(50)),
                    "xinetd's default cps = 50 10 switched a service off for 10 s past 50 connections a second; jinetd"
                    + " holds clients back instead");
        } else if (!XinetdLimits.rate(cps, d)) {
            fails(d, "cps", String.join(" ", cps));
        }
    }

    /** An attribute of the defaults that xinetd cannot read: it exits, so every service is written disabled. */
    private void fails(Imported.Service d, String key, String value) {
        d.note(XinetdLimits.written(defaultPlaces, key, value) + ": xinetd cannot read it and exits (it served nothing with this"
                + " file), so every service is disabled");
        fatal.add("xinetd exits on the defaults' " + key + " = " + value);
    }

    private void service(XinetdConf.Entry entry) {
        var a = XinetdConf.fold(entry);
        var places = XinetdConf.places(entry);
        var name = entry.name();
        if (!Yaml.fits(name)) {
            out.notes.add("a service name of " + name.length() + " characters, longer than a table's key may be, was"
                    + " skipped");
            return;
        }
        var protocol = first(a, "protocol").orElse(first(a, "socket_type").filter("dgram"::equals).map(t -> "udp")
                .orElse("tcp"));
        var s = new Imported.Service(out.unique(name, protocol));
        out.services.add(s);
        if (!s.name.equals(name)) {
            s.note("xinetd's service " + name + " (" + protocol + ")");
        }
        var disable = new ArrayList<String>(fatal);
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
            s.put("protocol", Value.text(protocol));
        }
        if (socketType.equals("raw") || socketType.equals("seqpacket")) {
            s.note("socket_type = " + socketType + ": not supported (stream and dgram are)");
        }
        var port = first(a, "port");
        var portNumber = port.map(XinetdLimits::decimal).orElse(OptionalLong.empty());
        if (port.isPresent() && (portNumber.isEmpty() || portNumber.getAsLong() < 0 || portNumber.getAsLong() > 0xffff)) {
            disable.add(XinetdLimits.failed(places, "port", port.get()));
        } else if (port.isPresent()) {
            s.put("port", Value.whole(portNumber.getAsLong()));
        } else if (!s.name.equals(name)) {
            // Renamed to be unique: the port still comes from the name xinetd knew it by.
            s.put("port", Value.text(name));
        }
        first(a, a.containsKey("bind") ? "bind" : "interface").ifPresent(b -> s.put("bind", Value.text(b)));
        var flags = a.getOrDefault("flags", List.of());
        if (flags.contains("IPv4") && !s.keys.containsKey("bind") && !defaults.containsKey("bind")) {
            s.put("bind", Value.text("0.0.0.0"));
        }
        first(a, "v6only").filter("yes"::equalsIgnoreCase).ifPresent(v -> s.put("v6only", Value.on()));
        if (flags.contains("NODELAY")) {
            s.put("nodelay", Value.on());
        }
        if (flags.contains("KEEPALIVE")) {
            s.put("keepalive", Value.on());
        }
        var otherFlags = flags.stream().filter(f -> !SILENT_FLAGS.contains(f)).toList();
        if (!otherFlags.isEmpty()) {
            s.note("flags " + String.join(" ", otherFlags) + ": no counterpart");
        }
        boolean waits = XinetdLaunch.write(name, a, places, s, disable);
        if (a.getOrDefault("type", List.of()).contains("UNLISTED") && !a.containsKey("port")) {
            s.note("UNLISTED without a port: set port");
        }
        var instances = first(a, "instances");
        if (instances.isPresent() && XinetdLimits.limit(instances.get()).isEmpty()) {
            disable.add(XinetdLimits.failed(places, "instances", instances.get()));
        }
        instances.flatMap(XinetdLimits::limit).filter(i -> !i.equals(Value.whole(0)))
                .ifPresent(i -> s.put("instances", i));
        if (instances.or(() -> first(defaults, "instances")).flatMap(XinetdLimits::limit)
                .filter(Value.whole(0)::equals).isPresent()) {
            disable.add("instances = 0: xinetd refused every client");
        }
        var perSource = first(a, "per_source");
        if (perSource.isPresent() && XinetdLimits.limit(perSource.get()).isEmpty()) {
            disable.add(XinetdLimits.failed(places, "per_source", perSource.get()));
        }
        perSource.flatMap(XinetdLimits::limit).ifPresent(p -> s.put("per_source", p));
        var cps = a.get("cps");
        if (cps != null && cps.size() != 2) {
            s.note(XinetdLimits.ignored(places, cps));
        } else if (cps != null && !XinetdLimits.rate(cps, s)) {
            disable.add(XinetdLimits.failed(places, "cps", String.join(" ", cps)));
        }
        access(XinetdAccess.fold(entry, defaultRules), waits ? protocol : null, s, disable);
        if (waits) {
            if (defaults.containsKey("per_source") && !a.containsKey("per_source")) {
                s.put("per_source", Value.text("unlimited"), "jinetd never sees the clients of a wait service");
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
            s.put("disabled", Value.on(), String.join("; ", disable));
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
            var converted = XinetdAccess.convert(key, mine, resolver);
            if (waits != null) {
                if (defaultLists.containsKey(key)) {
                    s.put(key, Value.texts(List.of()),
                            "a wait service's program accepts its clients itself: jinetd cannot check them");
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
                s.put(key, Value.texts(converted.prefixes()));
            }
        }
        if (!unchecked.isEmpty()) {
            disable.add("xinetd checked " + String.join(" and ", unchecked) + " on the first datagram of this wait"
                    + " service, which jinetd cannot: enable it once a firewall keeps the same clients out");
        }
    }

    static Optional<String> first(Map<String, List<String>> a, String key) {
        var values = a.get(key);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
