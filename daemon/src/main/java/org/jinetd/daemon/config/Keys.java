package org.jinetd.daemon.config;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Every key the table knows, in one place: the reader, the schema test and the hints use it. */
public final class Keys {
    /** Keys at the top of the table. */
    public static final List<String> TOP = List.of("defaults", "services", "include", "plugins", "shutdown_grace",
            "max_connections", "max_spawners", "datagram_reply_rate", "control_socket", "log");

    /** Keys of a service, each also allowed under {@code defaults:}. */
    public static final List<String> SERVICE = List.of(
            // where it listens
            "port", "protocol", "path", "socket_mode", "socket_user", "socket_group", "bind",
            "backlog", "keepalive", "nodelay", "v6only", "reuseport", "defer_accept",
            // what runs
            "exec", "handler", "redirect", "options", "wait", "listen_fds", "io", "stderr",
            "user", "group", "env", "cwd", "umask", "nice", "rlimits",
            // who and how much
            "only_from", "no_access", "only_users", "only_groups", "instances", "per_source",
            "per_source_ipv4_prefix", "per_source_ipv6_prefix", "rate", "rate_per_source", "rate_wait",
            "banner", "banner_fail", "timeout_idle", "timeout_max", "kill_grace", "connect_timeout",
            // what comes before the launch: a balancer's PROXY header, TLS
            "proxy", "tls",
            "disabled");

    /** The keys that say how a service launches; exactly one per service. */
    public static final List<String> LAUNCH = List.of("exec", "handler", "redirect");

    private Keys() {}

    /** The known key nearest to a misspelt one, if it is near enough to be a likely typo. */
    static Optional<String> nearest(String typed, List<String> known) {
        return known.stream()
                .min(Comparator.comparingInt(k -> distance(typed, k)))
                .filter(k -> distance(typed, k) <= Math.max(2, k.length() / 3));
    }

    /** Levenshtein distance, case-insensitive; '-' and '_' alike (onlyFrom, only-from, only_from). */
    static int distance(String a, String b) {
        a = normal(a);
        b = normal(b);
        var previous = new int[b.length() + 1];
        var current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String normal(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replace("-", "").replace("_", "");
    }
}
