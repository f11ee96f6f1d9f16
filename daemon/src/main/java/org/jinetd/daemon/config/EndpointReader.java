package org.jinetd.daemon.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads where a service listens: protocol, address and port or path, and socket options. */
final class EndpointReader {
    private static final String DEFAULT_BIND = "::";
    private static final int DEFAULT_MODE = 0666;

    private final Fields fields;
    private final Accounts accounts;
    private final PortNames ports;
    private final Trust trust;

    EndpointReader(Fields fields, Accounts accounts, PortNames ports, Trust trust) {
        this.fields = fields;
        this.accounts = accounts;
        this.ports = ports;
        this.trust = trust;
    }

    private static String sorted(String word) {
        return word.chars().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }

    Optional<Transport> transport(Written at) {
        var entry = at.entry("protocol");
        var text = fields.string(entry);
        if (entry == null) {
            return Optional.of(Transport.TCP);
        }
        if (text.isEmpty()) {
            return Optional.empty();
        }
        for (var t : Transport.values()) {
            if (t.key().equals(text.get())) {
                return Optional.of(t);
            }
        }
        // A letter off, or the letters swapped (tpc): not sctp, another protocol, for tcp.
        var typed = text.get().toLowerCase(java.util.Locale.ROOT);
        var hint = java.util.Arrays.stream(Transport.values()).map(Transport::key)
                .filter(k -> Keys.distance(typed, k) <= 1 || sorted(typed).equals(sorted(k))).findFirst()
                .map(k -> "; did you mean '" + k + "'?").orElse("");
        fields.problem(entry.value().mark(), "protocol '" + Node.token(text.get()) + "' is not known", "tcp, udp or unix"
                + hint);
        return Optional.empty();
    }

    Optional<Endpoint> endpoint(Written at, Transport transport) {
        if (transport == Transport.UNIX) {
            for (var inetOnly : List.of("port", "bind")) {
                if (at.writes(inetOnly)) {
                    fields.problem(at.entry(inetOnly).key().mark(), "'" + inetOnly + "' does not apply to protocol unix",
                            "'path:' for a unix socket");
                }
            }
            var pathEntry = at.entry("path");
            if (pathEntry == null) {
                fields.problem(at.key().mark(), "service '" + at.name() + "' has protocol unix but no 'path'",
                        "path: /run/NAME.sock");
                return Optional.empty();
            }
            var path = fields.path(pathEntry);
            if (path.isPresent() && !path.get().isAbsolute()) {
                fields.problem(pathEntry.value().mark(), "path '" + path.get() + "' is relative", "an absolute path");
                return Optional.empty();
            }
            var unsafe = path.flatMap(trust::placeRefusal);
            if (unsafe.isPresent()) {
                fields.problem(pathEntry.value().mark(), "path '" + path.get() + "' " + unsafe.get().what(),
                        unsafe.get().expected());
                return Optional.empty();
            }
            var mode = mode(at.entry("socket_mode"));
            var owner = fields.string(at.entry("socket_user")).flatMap(name -> {
                var user = accounts.user(name);
                if (user.isEmpty()) {
                    fields.problem(at.entry("socket_user").value().mark(), "user '" + Node.token(name) + "' does not exist",
                            "a user in /etc/passwd or known to getent" + Fields.didYouMean(name, accounts.userNames()));
                }
                return user.map(Accounts.User::uid);
            });
            var group = fields.string(at.entry("socket_group")).flatMap(name -> {
                var found = accounts.group(name);
                if (found.isEmpty()) {
                    fields.problem(at.entry("socket_group").value().mark(), "group '" + Node.token(name) + "' does not exist",
                            "a group in /etc/group or known to getent" + Fields.didYouMean(name, accounts.groupNames()));
                }
                return found.map(Accounts.Group::gid);
            });
            if (at.entry("socket_user") != null && owner.isEmpty() || at.entry("socket_group") != null && group.isEmpty()) {
                return Optional.empty();
            }
            return path.flatMap(p -> mode.map(m -> new Endpoint.Unix(p, m,
                    owner.map(OptionalInt::of).orElse(OptionalInt.empty()),
                    group.map(OptionalInt::of).orElse(OptionalInt.empty()))));
        }
        for (var unixOnly : List.of("path", "socket_mode", "socket_user", "socket_group")) {
            if (at.writes(unixOnly)) {
                fields.problem(at.entry(unixOnly).key().mark(),
                        "'" + unixOnly + "' applies to protocol unix only", "'port:' and 'bind:' for " + transport.key());
            }
        }
        var bind = bind(at.entry("bind"));
        var port = port(at, transport);
        return bind.flatMap(b -> port.map(p -> new Endpoint.Inet(transport, b, p)));
    }

    private Optional<Integer> mode(Node.Entry entry) {
        if (entry == null) {
            return Optional.of(DEFAULT_MODE);
        }
        var text = fields.string(entry);
        if (text.isPresent() && text.get().matches("0?[0-7]{3}")) {
            return Optional.of(Integer.parseInt(text.get(), 8));
        }
        text.ifPresent(t -> fields.problem(entry.value().mark(), "socket_mode '" + t + "' is not octal permission bits",
                "three octal digits such as 0660 (quote it: '0660')"));
        return Optional.empty();
    }

    private Optional<InetAddress> bind(Node.Entry entry) {
        var text = entry == null ? Optional.of(DEFAULT_BIND) : fields.string(entry);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        var written = text.get().strip();
        var bare = written.startsWith("[") && written.endsWith("]") ? written.substring(1, written.length() - 1) : written;
        if (!bare.isEmpty() && bare.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            try {
                return Optional.of(InetAddress.getByName(bare));
            } catch (UnknownHostException e) {
                // reported below
            }
        }
        fields.problem(entry.value().mark(), "bind '" + Node.token(written) + "' is not an IP address",
                "an IPv4 or IPv6 address such as 127.0.0.1, ::1, 0.0.0.0 or :: (names are not looked up)");
        return Optional.empty();
    }

    private Optional<Integer> port(Written at, Transport transport) {
        var entry = at.entry("port");
        if (entry == null) {
            var byName = ports.port(at.name(), transport.key());
            if (byName.isEmpty()) {
                fields.problem(at.key().mark(), "service '" + at.name() + "' has no 'port', and '" + at.name()
                        + "' is not a " + transport.key() + " service in " + ports.file(),
                        "port: a number from 1 to 65535, or a name from " + ports.file());
                return Optional.empty();
            }
            return Optional.of(byName.getAsInt());
        }
        if (entry.value() instanceof Node.Scalar s && s.kind() == Node.Kind.STRING
                && !s.text().isEmpty() && !s.text().chars().allMatch(Character::isDigit)) {
            var byName = ports.port(s.text(), transport.key());
            if (byName.isEmpty()) {
                fields.problem(s.mark(), "port '" + Node.token(s.text()) + "' is not a " + transport.key() + " service in "
                        + ports.file(), "a number from 1 to 65535, or a name from " + ports.file());
                return Optional.empty();
            }
            return Optional.of(byName.getAsInt());
        }
        return fields.integer(entry, 1, 65535, null);
    }

    Optional<SocketOptions> socket(Written at, Transport transport) {
        var d = SocketOptions.DEFAULT;
        var backlog = at.entry("backlog") == null ? Optional.of(d.backlog())
                : fields.integer(at.entry("backlog"), 1, 65_535, null);
        var keepalive = fields.bool(at.entry("keepalive"), d.keepalive());
        var nodelay = fields.bool(at.entry("nodelay"), d.nodelay());
        var v6only = fields.bool(at.entry("v6only"), d.v6only());
        var reuseport = fields.bool(at.entry("reuseport"), d.reuseport());
        var deferAccept = deferAccept(at.entry("defer_accept"));
        if (transport == Transport.UNIX) {
            for (var key : List.of("keepalive", "nodelay", "v6only", "reuseport")) {
                if (at.writes(key)) {
                    fields.problem(at.entry(key).key().mark(), "'" + key + "' does not apply to protocol unix",
                            "no '" + key + "' on a unix socket");
                }
            }
        }
        if (transport != Transport.TCP && at.writes("defer_accept")) {
            fields.problem(at.entry("defer_accept").key().mark(), "'defer_accept' applies to protocol tcp only",
                    "no 'defer_accept' on a " + transport.key() + " socket");
        }
        return backlog.map(b -> new SocketOptions(b, keepalive, nodelay, v6only, reuseport, deferAccept));
    }

    /**
     * TCP_DEFER_ACCEPT counts whole seconds: a part of one is rounded up, as systemd does, and
     * so is a time too short for a millisecond. Empty without the key.
     */
    private Optional<Duration> deferAccept(Node.Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        var wanted = fields.duration(entry, Duration.ZERO);
        if (wanted.compareTo(SocketOptions.MOST_DEFERRED) > 0) {
            fields.problem(entry.value().mark(), "'defer_accept' is " + Node.describe(entry.value())
                    + ", longer than an hour", "a duration from 0 (off) to 1h");
            return Optional.empty();
        }
        if (wanted.isZero() && entry.value() instanceof Node.Scalar s && Fields.positiveDuration(s.text())) {
            return Optional.of(Duration.ofSeconds(1));
        }
        return Optional.of(Duration.ofSeconds(wanted.toSeconds() + (wanted.getNano() > 0 ? 1 : 0)));
    }
}
