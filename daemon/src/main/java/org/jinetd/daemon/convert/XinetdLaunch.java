package org.jinetd.daemon.convert;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** What runs for an xinetd service: a built-in, a redirect, or a program with its user and resources. */
final class XinetdLaunch {
    /** xinetd's internal services that jinetd has as built-in handlers. */
    private static final Set<String> BUILTINS = Set.of("echo", "discard", "chargen", "daytime", "time");

    private XinetdLaunch() {}

    /**
     * Writes the launch keys of service {@code name} into {@code s}, adding to {@code disable}
     * why it cannot run. True for a program in wait mode (it accepts its clients itself).
     */
    static boolean write(String name, Map<String, List<String>> a, Imported.Service s, List<String> disable) {
        var type = a.getOrDefault("type", List.of());
        if (type.contains("INTERNAL")) {
            if (BUILTINS.contains(name)) {
                s.put("handler", name);
            } else {
                s.note("xinetd's internal service " + name + " has no jinetd counterpart; disabled");
                s.put("handler", "echo", "a stand-in: set what should serve it");
                disable.add("no counterpart");
            }
            return false;
        }
        if (a.containsKey("redirect")) {
            var target = a.get("redirect");
            s.put("redirect", Yaml.string(target.size() > 1 ? target.get(0) + ":" + target.get(1) : target.getFirst()));
            return false;
        }
        if (!a.containsKey("server")) {
            s.note("no server, redirect or INTERNAL type: nothing to run; disabled");
            s.put("handler", "echo", "a stand-in: set what should serve it");
            disable.add("nothing to run");
            return false;
        }
        s.put("exec", Yaml.list(argv(a, s)));
        boolean waits = XinetdImport.first(a, "wait").filter("yes"::equalsIgnoreCase).isPresent();
        if (waits) {
            s.put("wait", "true");
        }
        XinetdImport.first(a, "user").ifPresent(u -> s.put("user", Yaml.string(u)));
        XinetdImport.first(a, "group").ifPresent(g -> s.put("group", Yaml.string(g)));
        var env = a.getOrDefault("env", List.of());
        if (!env.isEmpty()) {
            s.put("env", env.stream().filter(e -> e.contains("="))
                    .map(e -> Yaml.key(e.substring(0, e.indexOf('='))) + ": " + Yaml.string(e.substring(e.indexOf('=') + 1)))
                    .collect(Collectors.joining(", ", "{", "}")));
        }
        XinetdImport.first(a, "nice").ifPresent(n -> s.put("nice", n));
        XinetdImport.first(a, "umask").ifPresent(u -> s.put("umask", Yaml.string(u)));
        var rlimits = new ArrayList<String>();
        XinetdImport.first(a, "rlimit_as").ifPresent(v -> rlimits.add("as: " + Yaml.string(limit(v))));
        XinetdImport.first(a, "rlimit_cpu").ifPresent(v -> rlimits.add("cpu: " + Yaml.string(limit(v))));
        XinetdImport.first(a, "rlimit_files").ifPresent(v -> rlimits.add("nofile: " + Yaml.string(limit(v))));
        if (!rlimits.isEmpty()) {
            s.put("rlimits", "{" + String.join(", ", rlimits) + "}");
        }
        return waits;
    }

    /**
     * The program and its arguments. With {@code flags = NAMEINARGS} xinetd's server_args
     * begins with argv[0]; tcpd, run so, execs that argv[0] after checking tcp_wrappers'
     * files, and jinetd runs that program itself (it always passes the program's path as
     * argv[0], where tcpd would find itself again).
     */
    private static List<String> argv(Map<String, List<String>> a, Imported.Service s) {
        var server = a.get("server").getFirst();
        var args = a.getOrDefault("server_args", List.of());
        var argv = new ArrayList<String>();
        if (!a.getOrDefault("flags", List.of()).contains("NAMEINARGS") || args.isEmpty()) {
            argv.add(server);
            argv.addAll(args);
            return argv;
        }
        var order = List.copyOf(a.keySet());
        if (order.indexOf("flags") > order.indexOf("server_args")) {
            // xinetd applies NAMEINARGS only to a server_args read after it; before, argv[0] stays NULL.
            s.note("flags = NAMEINARGS comes after server_args, so xinetd ran the program with no arguments at all"
                    + " (argv[0] NULL); written as NAMEINARGS means");
        }
        var argv0 = args.getFirst();
        if (Path.of(server).getFileName().toString().equals("tcpd")) {
            var program = argv0.startsWith("/") ? argv0 : "/usr/sbin/" + argv0;
            argv.add(program);
            s.note("server = " + server + ": tcpd is dropped and " + program + " runs itself: the rules of "
                    + "/etc/hosts.allow and /etc/hosts.deny are not applied; write them as only_from and no_access");
        } else {
            argv.add(server);
            if (!Path.of(server).getFileName().toString().equals(Path.of(argv0).getFileName().toString())) {
                s.note("xinetd passed argv[0] '" + argv0 + "' (NAMEINARGS); jinetd passes the program's path");
            }
        }
        argv.addAll(args.subList(1, args.size()));
        return argv;
    }

    private static String limit(String value) {
        return value.equalsIgnoreCase("UNLIMITED") ? "unlimited" : value;
    }
}
