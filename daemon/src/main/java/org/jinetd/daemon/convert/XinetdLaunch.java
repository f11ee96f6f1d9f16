package org.jinetd.daemon.convert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jinetd.daemon.config.ShellWords;

/** What runs for an xinetd service: a built-in, a redirect, or a program with its user and resources. */
final class XinetdLaunch {
    /** xinetd's internal services that jinetd has as built-in handlers. */
    private static final Set<String> BUILTINS = Set.of("echo", "discard", "chargen", "daytime", "time");

    private XinetdLaunch() {}

    /**
     * Writes the launch keys of service {@code name} into {@code s}, adding to {@code disable}
     * why it cannot run. True for a program in wait mode (it accepts its clients itself).
     *
     * @param places where each attribute was written, for notes
     */
    static boolean write(String name, Map<String, List<String>> a, Map<String, String> places, Imported.Service s,
                         List<String> disable) {
        var type = a.getOrDefault("type", List.of());
        if (type.contains("INTERNAL")) {
            if (BUILTINS.contains(name)) {
                s.put("handler", Value.text(name));
                if (name.equals("daytime")) {
                    // xinetd's builtins.c: "%02d %s %d %02d:%02d:%02d" and strftime's " %Z\r\n".
                    s.note("daytime: xinetd's sent '06 DEC 2026 18:30:04 UTC' (day, month in capitals, year, time,"
                            + " zone); " + Imported.DAYTIME);
                }
            } else {
                s.note("xinetd's internal service " + name + " has no jinetd counterpart; disabled");
                s.put("handler", Value.text("echo"), "a stand-in: set what should serve it");
                disable.add("no counterpart");
            }
            return false;
        }
        var target = a.getOrDefault("redirect", List.of());
        if (!target.isEmpty()) {
            s.put("redirect", Value.text(target.size() > 1 ? target.get(0) + ":" + target.get(1) : target.getFirst()));
            return false;
        }
        if (XinetdImport.first(a, "server").isEmpty()) {
            s.note("no server, redirect or INTERNAL type: nothing to run; disabled");
            s.put("handler", Value.text("echo"), "a stand-in: set what should serve it");
            disable.add("nothing to run");
            return false;
        }
        s.put("exec", Value.texts(argv(a, s)));
        boolean waits = XinetdImport.first(a, "wait").filter("yes"::equalsIgnoreCase).isPresent();
        if (waits) {
            s.put("wait", Value.on());
        }
        XinetdImport.first(a, "user").ifPresent(u -> s.put("user", Value.text(u)));
        XinetdImport.first(a, "group").ifPresent(g -> s.put("group", Value.text(g)));
        env(a.getOrDefault("env", List.of()), s, disable);
        var nice = XinetdImport.first(a, "nice");
        var niceness = nice.map(XinetdLimits::decimal).orElse(OptionalLong.empty());
        if (nice.isPresent() && niceness.isEmpty()) {
            disable.add(XinetdLimits.failed(places, "nice", nice.get()));
        }
        niceness.ifPresent(n -> s.put("nice", Value.whole(n)));
        XinetdImport.first(a, "umask").ifPresent(u -> s.put("umask", Value.text(u)));
        var rlimits = new LinkedHashMap<String, Value>();
        XinetdImport.first(a, "rlimit_as").ifPresent(v -> rlimits.put("as", Value.text(limit(v))));
        XinetdImport.first(a, "rlimit_cpu").ifPresent(v -> rlimits.put("cpu", Value.text(limit(v))));
        XinetdImport.first(a, "rlimit_files").ifPresent(v -> rlimits.put("nofile", Value.text(limit(v))));
        if (!rlimits.isEmpty()) {
            s.put("rlimits", new Value.Entries(rlimits));
        }
        return waits;
    }

    /**
     * xinetd's {@code env = NAME=VALUE ...}: each sets NAME, a later one over an earlier. A word
     * without '=' fails the attribute, and xinetd disables the service; a name too long for a
     * key is left out, with a note.
     */
    private static void env(List<String> words, Imported.Service s, List<String> disable) {
        var env = new LinkedHashMap<String, Value>();
        for (var word : words) {
            int equals = word.indexOf('=');
            if (equals < 0) {
                disable.add(XinetdLimits.failed(Map.of(), "env", word) + " (it has no '=')");
                continue;
            }
            var variable = word.substring(0, equals);
            if (!Yaml.fits(variable)) {
                s.note("env: a variable name of " + variable.length() + " characters, longer than a table's key may"
                        + " be, is left out");
                continue;
            }
            env.remove(variable);
            env.put(variable, Value.text(word.substring(equals + 1)));
        }
        if (!env.isEmpty()) {
            s.put("env", new Value.Entries(env));
        }
    }

    /**
     * The program and its arguments. With {@code flags = NAMEINARGS} xinetd's server_args
     * begins with argv[0]; tcpd, run so, execs that argv[0] after checking tcp_wrappers'
     * files, and jinetd runs that program itself (it always passes the program's path as
     * argv[0], where tcpd would find itself again).
     */
    private static List<String> argv(Map<String, List<String>> a, Imported.Service s) {
        var server = XinetdImport.first(a, "server").orElseThrow();
        var args = a.getOrDefault("server_args", List.of());
        if (args.stream().anyMatch(w -> w.contains("'") || w.contains("\"") || w.contains("\\"))) {
            // xinetd's parser splits server_args at white space and nothing else: no shell reads it.
            var shell = shellWords(String.join(" ", args)).map(words -> {
                var meant = new ArrayList<>(List.of(server));
                meant.addAll(words);
                return "; if a shell's reading was meant, write exec: " + Value.texts(meant).yaml();
            }).orElse("");
            s.note("server_args = " + String.join(" ", args) + ": xinetd splits it at spaces only, and a quote or a"
                    + " backslash is no quoting to it: the program got " + ShellWords.join(args) + ", quotes and"
                    + " all, and exec gives it the same (as jinetd check shows)" + shell);
        }
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
        if (Imported.fileName(server).equals("tcpd")) {
            var program = argv0.startsWith("/") ? argv0 : "/usr/sbin/" + argv0;
            argv.add(program);
            s.note("server = " + server + ": tcpd is dropped and " + program + " runs itself: the rules of "
                    + "/etc/hosts.allow and /etc/hosts.deny are not applied; write them as only_from and no_access");
        } else {
            argv.add(server);
            if (!Imported.fileName(server).equals(Imported.fileName(argv0))) {
                s.note("xinetd passed argv[0] '" + argv0 + "' (NAMEINARGS); jinetd passes the program's path");
            }
        }
        argv.addAll(args.subList(1, args.size()));
        return argv;
    }

    /**
     * The words a POSIX shell would make of {@code text}: quotes ('...', "..." with its
     * backslash escapes) and backslashes read as a shell reads them; empty where one is left
     * open. For the note only: xinetd itself never reads them so.
     */
    static Optional<List<String>> shellWords(String text) {
        var words = new ArrayList<String>();
        var word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    return Optional.empty();
                }
                word.append(text, i + 1, end);
                i = end;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < text.length() && text.charAt(j) != '"'; j++) {
                    if (text.charAt(j) == '\\' && j + 1 < text.length() && "\"\\$`".indexOf(text.charAt(j + 1)) >= 0) {
                        j++;
                    }
                    word.append(text.charAt(j));
                }
                if (j >= text.length()) {
                    return Optional.empty();
                }
                i = j;
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    return Optional.empty();
                }
                word.append(text.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return Optional.of(words);
    }

    private static String limit(String value) {
        return value.equalsIgnoreCase("UNLIMITED") ? "unlimited" : value;
    }
}
