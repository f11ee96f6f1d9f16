package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Converts an inetd.conf (OpenBSD inetd, netkit, Debian's openbsd-inetd): one service a
 * line, {@code name socket_type protocol wait[.max] user[:group] server argv0 args...}.
 */
final class InetdImport {
    private static final Set<String> BUILTINS = Set.of("echo", "discard", "chargen", "daytime", "time");

    private InetdImport() {}

    static Imported convert(Path file) throws IOException {
        var out = new Imported("the inetd table " + file);
        int number = 0;
        for (var raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            var hash = raw.indexOf('#');
            var line = (hash < 0 ? raw : raw.substring(0, hash)).strip();
            if (line.isEmpty()) {
                continue;
            }
            var w = line.split("\\s+");
            if (w.length < 6) {
                out.notes.add("line " + number + " has fewer than six fields and was skipped: " + line);
                continue;
            }
            service(out, number, w);
        }
        return out;
    }

    private static void service(Imported out, int number, String[] w) {
        var name = w[0];
        var socketType = w[1];
        var protocol = w[2];
        String bind = null;
        // OpenBSD: address:service.
        int colon = name.lastIndexOf(':');
        if (colon > 0 && !protocol.equals("unix")) {
            bind = name.substring(0, colon);
            name = name.substring(colon + 1);
            if (bind.equals("*")) {
                bind = null;
            }
        }
        if (protocol.startsWith("rpc/")) {
            out.notes.add("line " + number + ": RPC service " + name + " is not supported and was skipped");
            return;
        }
        var transport = switch (protocol) {
            case "tcp", "tcp4", "tcp6", "tcp46" -> "tcp";
            case "udp", "udp4", "udp6", "udp46" -> "udp";
            case "unix" -> "unix";
            default -> null;
        };
        var serviceName = protocol.equals("unix") ? Path.of(name).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "-")
                : name;
        var s = new Imported.Service(out.unique(serviceName, transport));
        out.services.add(s);
        if (transport == null) {
            s.note("line " + number + ": protocol " + protocol + " is not supported; disabled");
            s.put("handler", "echo", "a stand-in: set what should serve it");
            s.put("disabled", "true");
            return;
        }
        if (!transport.equals("tcp")) {
            s.put("protocol", transport);
        }
        if (transport.equals("unix")) {
            s.put("path", Yaml.string(name));
        } else {
            s.put("port", Yaml.string(name));
            if (bind != null) {
                s.put("bind", Yaml.string(bind));
            } else if (protocol.endsWith("4")) {
                s.put("bind", Yaml.string("0.0.0.0"));
            } else if (protocol.endsWith("6")) {
                s.put("bind", Yaml.string("::"));
                s.put("v6only", "true");
            }
        }
        if (!socketType.equals("stream") && !socketType.equals("dgram")) {
            s.note("socket_type " + socketType + " is not supported (stream and dgram are)");
        }
        var waitField = w[3].split("[.]", 2);
        var server = w[5];
        if (server.equals("internal")) {
            if (BUILTINS.contains(name)) {
                s.put("handler", name);
            } else {
                s.note("inetd's internal service " + name + " has no jinetd counterpart; disabled");
                s.put("handler", "echo", "a stand-in: set what should serve it");
                s.put("disabled", "true");
            }
        } else {
            var argv = new ArrayList<String>();
            argv.add(server);
            var args = List.of(w).subList(Math.min(7, w.length), w.length);
            argv.addAll(args);
            s.put("exec", Yaml.list(argv));
            if (w.length > 6 && !Path.of(server).getFileName().toString().equals(w[6])) {
                s.note("inetd passed argv[0] '" + w[6] + "'; jinetd passes the program's path");
            }
            if (waitField[0].equals("wait")) {
                s.put("wait", "true");
            }
            var user = w[4].split("[:.]", 3);
            s.put("user", Yaml.string(user[0]));
            if (user.length > 1 && !user[1].isEmpty()) {
                s.put("group", Yaml.string(user[1]));
            }
            if (user.length > 2) {
                s.note("login class " + user[2] + ": no counterpart");
            }
        }
        if (waitField.length > 1) {
            s.put("rate", "{per_second: %.3f, burst: %s}".formatted(Integer.parseInt(waitField[1]) / 60.0, waitField[1]),
                    "inetd's ." + waitField[1] + " switched the service off when exceeded; jinetd holds clients back");
        }
    }
}
