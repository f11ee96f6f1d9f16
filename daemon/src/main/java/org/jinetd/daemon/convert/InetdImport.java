package org.jinetd.daemon.convert;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Converts an inetd.conf (OpenBSD inetd, netkit, Debian's openbsd-inetd): one service a
 * line, {@code name socket_type protocol wait[.max] user[:group] server argv0 args...}.
 */
final class InetdImport {
    private static final Set<String> BUILTINS = Set.of("echo", "discard", "chargen", "daytime", "time");

    private InetdImport() {}

    /** @param taken names of services the including table has already */
    static Imported convert(Path file, Set<String> taken) throws IOException {
        var out = new Imported("inetd", "the inetd table " + file, taken);
        int number = 0;
        for (var raw : Imported.lines(file)) {
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
        var serviceName = protocol.equals("unix") ? Imported.fileName(name).replaceAll("[^A-Za-z0-9._-]", "-") : name;
        if (serviceName.isEmpty()) {
            // A path that ends in '/' names no file.
            serviceName = "unix";
        }
        if (!Yaml.fits(serviceName)) {
            out.notes.add("line " + number + ": a service name of " + serviceName.length() + " characters, longer than a"
                    + " table's key may be, was skipped");
            return;
        }
        var s = new Imported.Service(out.unique(serviceName, transport));
        out.services.add(s);
        if (transport == null) {
            s.note("line " + number + ": protocol " + protocol + " is not supported; disabled");
            s.put("handler", Value.text("echo"), "a stand-in: set what should serve it");
            s.put("disabled", Value.on());
            return;
        }
        if (!transport.equals("tcp")) {
            s.put("protocol", Value.text(transport));
        }
        if (transport.equals("unix")) {
            s.put("path", Value.text(name));
        } else {
            s.put("port", Value.text(name));
            if (bind != null) {
                s.put("bind", Value.text(bind));
            } else if (protocol.endsWith("4")) {
                s.put("bind", Value.text("0.0.0.0"));
            } else if (protocol.endsWith("6")) {
                s.put("bind", Value.text("::"));
                s.put("v6only", Value.on());
            }
        }
        if (!socketType.equals("stream") && !socketType.equals("dgram")) {
            s.note("socket_type " + socketType + " is not supported (stream and dgram are)");
        }
        var waitField = w[3].split("[.]", 2);
        var server = w[5];
        if (server.equals("internal")) {
            if (BUILTINS.contains(name)) {
                s.put("handler", Value.text(name));
                if (name.equals("daytime")) {
                    s.note("daytime: inetd's sent ctime's form, 'Sun Dec  6 18:30:04 2026'; " + Imported.DAYTIME);
                }
            } else {
                s.note("inetd's internal service " + name + " has no jinetd counterpart; disabled");
                s.put("handler", Value.text("echo"), "a stand-in: set what should serve it");
                s.put("disabled", Value.on());
            }
        } else {
            var argv = new ArrayList<String>();
            argv.add(server);
            var args = List.of(w).subList(Math.min(7, w.length), w.length);
            argv.addAll(args);
            s.put("exec", Value.texts(argv));
            if (w.length > 6 && !Imported.fileName(server).equals(w[6])) {
                s.note("inetd passed argv[0] '" + w[6] + "'; jinetd passes the program's path");
            }
            if (waitField[0].equals("wait")) {
                s.put("wait", Value.on());
            }
            var user = w[4].split("[:.]", 3);
            s.put("user", Value.text(user[0]));
            if (user.length > 1 && !user[1].isEmpty()) {
                s.put("group", Value.text(user[1]));
            }
            if (user.length > 2) {
                s.note("login class " + user[2] + ": no counterpart");
            }
        }
        if (waitField.length > 1) {
            var max = max(waitField[1]);
            if (max.isEmpty()) {
                s.note("line " + number + ": " + w[3] + ": inetd reads no number of at least 1 in '" + waitField[1]
                        + "' (it logs 'illegal max field' and takes its default of 256 a minute); no rate is written");
            } else {
                var perSecond = BigDecimal.valueOf(max.getAsInt()).divide(BigDecimal.valueOf(60), 3, RoundingMode.HALF_UP);
                s.put("rate", Value.entries("per_second", new Value.Decimal(perSecond), "burst", Value.whole(max.getAsInt())),
                        "inetd's ." + waitField[1] + " switched the service off when exceeded; jinetd holds clients back");
            }
        }
    }

    /**
     * The {@code N} of {@code nowait.N}, connections a minute, as OpenBSD inetd reads it
     * ({@code strtoul(s, &p, 0)}): decimal, {@code 0x} hex or {@code 0} octal, nothing after
     * it, at least 1. Empty where inetd logs "illegal max field".
     */
    private static OptionalInt max(String text) {
        var number = text.startsWith("+") ? text.substring(1) : text;
        int radix = 10;
        if (number.startsWith("0x") || number.startsWith("0X")) {
            radix = 16;
            number = number.substring(2);
        } else if (number.startsWith("0") && number.length() > 1) {
            radix = 8;
            number = number.substring(1);
        }
        int base = radix;
        if (number.isEmpty() || !number.chars().allMatch(c -> c < 0x80 && Character.digit(c, base) >= 0)) {
            return OptionalInt.empty();
        }
        try {
            long value = Long.parseLong(number, radix);
            return value >= 1 && value <= Integer.MAX_VALUE ? OptionalInt.of((int) value) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            // More digits than a long holds: strtoul's ULONG_MAX, which inetd refuses too.
            return OptionalInt.empty();
        }
    }
}
