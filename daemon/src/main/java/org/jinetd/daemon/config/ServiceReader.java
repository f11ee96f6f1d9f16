package org.jinetd.daemon.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jinetd.handler.OptionException;

/** Reads one service: its merged keys (its own over {@code defaults:}) into a {@link Service}. */
final class ServiceReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Keys that only a program uses; written on a handler service they are a mistake. */
    private static final List<String> EXEC_ONLY = List.of("user", "group", "env", "io", "stderr", "wait", "listen_fds");
    /** Keys that need jinetd to see each client; a program in wait mode accepts by itself. */
    private static final List<String> PER_CLIENT = List.of("only_from", "no_access", "per_source");
    private static final String DEFAULT_BIND = "::";
    private static final int DEFAULT_MODE = 0666;

    private final Path file;
    private final Fields fields;
    private final Providers providers;
    private final Accounts accounts;
    private final PortNames ports;
    private final int selfUid;

    ServiceReader(Path file, List<Problem> problems, Providers providers, Accounts accounts, PortNames ports,
                  int selfUid) {
        this.file = file;
        this.fields = new Fields(file, problems);
        this.providers = providers;
        this.accounts = accounts;
        this.ports = ports;
        this.selfUid = selfUid;
    }

    /**
     * @param key    the service's name as written
     * @param own    what is written under the name (its own keys)
     * @param merged its own keys over those of {@code defaults:}
     */
    Optional<Service> read(Node.Key key, Node own, Map<String, Node.Entry> merged) {
        var name = key.name();
        if (!NAME.matcher(name).matches()) {
            fields.problem(key.mark(), "service name '" + name + "' has characters other than letters, digits, '.', '_', '-'",
                    "a name such as 'echo' or 'git-daemon'");
        }
        var ownKeys = new ArrayList<String>();
        switch (own) {
            case Node.Mapping m -> {
                fields.rejectUnknown(m, Keys.SERVICE, "service key");
                ownKeys.addAll(m.entries().keySet());
            }
            case Node.Scalar s when s.kind() == Node.Kind.NULL -> { }
            default -> {
                fields.problem(own.mark(), "service '" + name + "' is " + Node.describe(own), "a map of its keys");
                return Optional.empty();
            }
        }
        var at = new At(key, merged, ownKeys);
        var transport = transport(at);
        var endpoint = transport.flatMap(t -> endpoint(at, t));
        var launch = transport.flatMap(t -> launch(at, t));
        var access = access(at);
        var limits = limits(at);
        var disabled = fields.bool(at.entry("disabled"), false);
        if (endpoint.isEmpty() || launch.isEmpty() || access.isEmpty() || limits.isEmpty()) {
            return Optional.empty();
        }
        if (launch.get() instanceof Launch.Exec exec && exec.waits() && !perClient(at, access.get(), limits.get())) {
            return Optional.empty();
        }
        return Optional.of(new Service(name, endpoint.get(), launch.get(), access.get(), limits.get(), disabled));
    }

    /** A service being read: its name's place and its keys. */
    private record At(Node.Key key, Map<String, Node.Entry> merged, List<String> own) {
        Node.Entry entry(String name) {
            return merged.get(name);
        }

        boolean writes(String name) {
            return own.contains(name);
        }

        String name() {
            return key.name();
        }
    }

    /**
     * A program in wait mode accepts its clients itself: jinetd never sees them, so rules
     * about clients cannot hold (an empty list written on the service lifts one from defaults).
     */
    private boolean perClient(At at, Access access, Limits limits) {
        boolean ok = true;
        for (var key : PER_CLIENT) {
            boolean set = switch (key) {
                case "only_from" -> !access.onlyFrom().isEmpty();
                case "no_access" -> !access.noAccess().isEmpty();
                default -> limits.perSource() != Limits.UNLIMITED;
            };
            if (set) {
                fields.problem(at.entry(key).key().mark(), "'" + key + "' cannot apply with wait: true: the program "
                        + "accepts its clients itself and jinetd never sees them", "no '" + key + "' on a wait service");
                ok = false;
            }
        }
        return ok;
    }

    private Optional<Transport> transport(At at) {
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
        fields.problem(entry.value().mark(), "protocol '" + text.get() + "' is not known", "tcp, udp or unix");
        return Optional.empty();
    }

    private Optional<Endpoint> endpoint(At at, Transport transport) {
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
            var path = fields.string(pathEntry).map(Path::of);
            if (path.isPresent() && !path.get().isAbsolute()) {
                fields.problem(pathEntry.value().mark(), "path '" + path.get() + "' is relative", "an absolute path");
                return Optional.empty();
            }
            var mode = mode(at.entry("socket_mode"));
            var owner = fields.string(at.entry("socket_user")).flatMap(name -> {
                var user = accounts.user(name);
                if (user.isEmpty()) {
                    fields.problem(at.entry("socket_user").value().mark(), "user '" + name + "' does not exist",
                            "a user in /etc/passwd or known to getent");
                }
                return user.map(Accounts.User::uid);
            });
            var group = fields.string(at.entry("socket_group")).flatMap(name -> {
                var found = accounts.group(name);
                if (found.isEmpty()) {
                    fields.problem(at.entry("socket_group").value().mark(), "group '" + name + "' does not exist",
                            "a group in /etc/group or known to getent");
                }
                return found.map(Accounts.Group::gid);
            });
            if (at.entry("socket_user") != null && owner.isEmpty() || at.entry("socket_group") != null && group.isEmpty()) {
                return Optional.empty();
            }
            return path.flatMap(p -> mode.map(m -> new Endpoint.Unix(p, m,
                    owner.map(java.util.OptionalInt::of).orElse(java.util.OptionalInt.empty()),
                    group.map(java.util.OptionalInt::of).orElse(java.util.OptionalInt.empty()))));
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
        fields.problem(entry.value().mark(), "bind '" + written + "' is not an IP address",
                "an IPv4 or IPv6 address such as 127.0.0.1, ::1, 0.0.0.0 or :: (names are not looked up)");
        return Optional.empty();
    }

    private Optional<Integer> port(At at, Transport transport) {
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
                fields.problem(s.mark(), "port '" + s.text() + "' is not a " + transport.key() + " service in "
                        + ports.file(), "a number from 1 to 65535, or a name from " + ports.file());
                return Optional.empty();
            }
            return Optional.of(byName.getAsInt());
        }
        return fields.integer(entry, 1, 65535, null);
    }

    private Optional<Launch> launch(At at, Transport transport) {
        // A launch key the service writes replaces any that defaults give.
        var kinds = Keys.LAUNCH.stream().filter(at::writes).toList();
        if (kinds.isEmpty()) {
            kinds = Keys.LAUNCH.stream().filter(k -> at.entry(k) != null).toList();
        }
        if (kinds.size() != 1) {
            var what = kinds.isEmpty() ? "service '" + at.name() + "' says neither what to run nor which handler"
                    : "service '" + at.name() + "' has both " + String.join(" and ", kinds);
            fields.problem(at.key().mark(), what, "exactly one of 'exec:' (a program) or 'handler:' (in-JVM)");
            return Optional.empty();
        }
        return switch (kinds.getFirst()) {
            case "exec" -> exec(at, transport);
            default -> handler(at, transport);
        };
    }

    private Optional<Launch> exec(At at, Transport transport) {
        var entry = at.entry("exec");
        if (at.writes("options")) {
            fields.problem(at.entry("options").key().mark(), "'options' are for handlers", "'exec:' arguments in its list");
        }
        var argv = fields.strings(entry).map(list -> list);
        if (argv.isEmpty()) {
            return Optional.empty();
        }
        if (argv.get().isEmpty()) {
            fields.problem(entry.value().mark(), "'exec' is empty", "[/absolute/program, arguments...]");
            return Optional.empty();
        }
        var program = argv.get().getFirst();
        var path = Path.of(program.text());
        boolean ok = true;
        if (!path.isAbsolute()) {
            fields.problem(program.mark(), "program '" + program.text() + "' is not an absolute path",
                    "an absolute path such as /usr/bin/" + path.getFileName());
            ok = false;
        } else if (!Files.exists(path)) {
            fields.problem(program.mark(), "program '" + program.text() + "' does not exist", "an executable file");
            ok = false;
        } else if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            fields.problem(program.mark(), "program '" + program.text() + "' is not an executable file",
                    "an executable file (chmod +x)");
            ok = false;
        }
        var waits = fields.bool(at.entry("wait"), false);
        var listenFds = fields.bool(at.entry("listen_fds"), false);
        var env = fields.texts(at.entry("env"));
        var io = choice(at.entry("io"), Launch.Io.values(), Launch.Io::key, Launch.Io.INHERIT);
        if (waits || listenFds) {
            // Handing over a socket needs the socket itself: pipes cannot carry a listener.
            var key = waits ? "wait" : "listen_fds";
            if (io.isPresent() && io.get() == Launch.Io.BRIDGE) {
                fields.problem(at.entry("io").value().mark(), "io: bridge cannot hand the socket over (" + key + ": true)",
                        "io: inherit");
                ok = false;
            }
        }

        var stderr = choice(at.entry("stderr"), Launch.Stderr.values(), Launch.Stderr::key, Launch.Stderr.LOG);
        var runAs = runAs(at);
        if (!ok || env.isEmpty() || io.isEmpty() || stderr.isEmpty() || runAs.isEmpty()) {
            return Optional.empty();
        }
        var words = argv.get().stream().map(Node.Scalar::text).toList();
        return Optional.of(new Launch.Exec(words, runAs.get(), env.get(), io.get(), stderr.get(), waits, listenFds));
    }

    private <E> Optional<E> choice(Node.Entry entry, E[] values, java.util.function.Function<E, String> key, E absent) {
        if (entry == null) {
            return Optional.of(absent);
        }
        // YAML reads a bare `null` as no value; `stderr: null` means the word.
        var text = entry.value() instanceof Node.Scalar s && s.kind() == Node.Kind.NULL
                ? Optional.of("null") : fields.string(entry);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        for (var v : values) {
            if (key.apply(v).equals(text.get())) {
                return Optional.of(v);
            }
        }
        var known = java.util.Arrays.stream(values).map(key).toList();
        fields.problem(entry.value().mark(), "'" + entry.key().name() + "' is '" + text.get() + "'",
                String.join(" or ", known));
        return Optional.empty();
    }

    /**
     * Root runs programs as root only where {@code user: root} is written, else as nobody; any
     * other daemon can run programs as itself alone.
     */
    private Optional<RunAs> runAs(At at) {
        var userEntry = at.entry("user");
        var groupEntry = at.entry("group");
        var wanted = fields.string(userEntry);
        if (userEntry != null && wanted.isEmpty()) {
            return Optional.empty();
        }
        Optional<Accounts.User> user;
        if (wanted.isPresent()) {
            user = accounts.user(wanted.get());
            if (user.isEmpty()) {
                fields.problem(userEntry.value().mark(), "user '" + wanted.get() + "' does not exist",
                        "a user in /etc/passwd or known to getent");
                return Optional.empty();
            }
        } else if (selfUid == 0) {
            user = accounts.user("nobody");
            if (user.isEmpty()) {
                fields.problem(at.key().mark(), "service '" + at.name() + "' has no 'user', and there is no user 'nobody' to run it as",
                        "user: NAME (user: root to run it as root)");
                return Optional.empty();
            }
        } else {
            user = accounts.user(selfUid);
            if (user.isEmpty()) {
                user = Optional.of(new Accounts.User(Integer.toString(selfUid), selfUid, selfUid, "/", "/bin/sh"));
            }
        }
        var u = user.get();
        if (selfUid != 0 && u.uid() != selfUid) {
            fields.problem(userEntry.value().mark(), "user '" + u.name() + "': jinetd runs as uid " + selfUid
                    + " and can run programs only as itself", "no 'user:' (or run jinetd as root to switch users)");
            return Optional.empty();
        }
        int gid = u.gid();
        String groupName;
        var group = fields.string(groupEntry);
        if (groupEntry != null && group.isEmpty()) {
            return Optional.empty();
        }
        if (group.isPresent()) {
            var g = accounts.group(group.get());
            if (g.isEmpty()) {
                fields.problem(groupEntry.value().mark(), "group '" + group.get() + "' does not exist",
                        "a group in /etc/group or known to getent");
                return Optional.empty();
            }
            if (selfUid != 0 && g.get().gid() != u.gid()) {
                fields.problem(groupEntry.value().mark(), "group '" + group.get() + "': jinetd is not root and cannot change group",
                        "no 'group:' (or run jinetd as root)");
                return Optional.empty();
            }
            gid = g.get().gid();
            groupName = g.get().name();
        } else {
            groupName = accounts.group(gid).map(Accounts.Group::name).orElse(Integer.toString(gid));
        }
        boolean switches = selfUid == 0 && (u.uid() != 0 || gid != 0);
        if (switches && Setpriv.PATH.isEmpty()) {
            var mark = userEntry != null ? userEntry.value().mark() : at.key().mark();
            fields.problem(mark, "running '" + at.name() + "' as " + u.name() + " needs setpriv, which is not installed",
                    "util-linux's setpriv in /usr/bin (apt-get install util-linux)");
            return Optional.empty();
        }
        return Optional.of(new RunAs(u.name(), u.uid(), groupName, gid, u.home(), u.shell(), switches));
    }

    private Optional<Launch> handler(At at, Transport transport) {
        for (var key : EXEC_ONLY) {
            // A value from defaults is meant for program services; written here it is a mistake.
            if (at.writes(key)) {
                fields.problem(at.entry(key).key().mark(), "'" + key + "' applies to 'exec:' services only",
                        "no '" + key + "' on a handler service");
            }
        }
        var entry = at.entry("handler");
        var name = fields.string(entry);
        var options = fields.texts(at.entry("options"));
        if (name.isEmpty() || options.isEmpty()) {
            return Optional.empty();
        }
        var provider = providers.named(name.get());
        if (provider.isEmpty()) {
            fields.problem(entry.value().mark(), "handler '" + name.get() + "' is not known",
                    providers.names().isEmpty() ? "a handler, but none is installed"
                            : "one of: " + String.join(", ", providers.names()));
            return Optional.empty();
        }
        try {
            if (transport.streams()) {
                var handler = provider.get().stream(options.get());
                if (handler.isPresent()) {
                    return Optional.of(new Launch.Stream(name.get(), options.get(), handler.get()));
                }
            } else {
                var handler = provider.get().datagram(options.get());
                if (handler.isPresent()) {
                    return Optional.of(new Launch.Datagrams(name.get(), options.get(), handler.get()));
                }
            }
            fields.problem(entry.value().mark(), "handler '" + name.get() + "' does not serve " + transport.key(),
                    transport.streams() ? "protocol: udp" : "protocol: tcp");
        } catch (OptionException e) {
            var optionsEntry = at.entry("options");
            var mark = optionsEntry == null ? entry.value().mark() : optionsEntry.key().mark();
            var label = "handler '" + name.get() + "'";
            if (e.option() != null && optionsEntry != null && optionsEntry.value() instanceof Node.Mapping m
                    && m.entries().containsKey(e.option())) {
                var option = m.entries().get(e.option());
                mark = option.key().mark();
                label += ", option '" + e.option() + "'";
            }
            fields.problem(mark, label + ": " + e.getMessage(), null);
        } catch (RuntimeException e) {
            fields.problem(entry.value().mark(), "handler '" + name.get() + "' failed to start: " + e, null);
        }
        return Optional.empty();
    }

    private Optional<Access> access(At at) {
        var onlyFrom = prefixes(at.entry("only_from"));
        var noAccess = prefixes(at.entry("no_access"));
        return onlyFrom.flatMap(o -> noAccess.map(n -> new Access(o, n)));
    }

    private Optional<List<Cidr>> prefixes(Node.Entry entry) {
        if (entry == null) {
            return Optional.of(List.of());
        }
        var items = fields.strings(entry);
        if (items.isEmpty()) {
            return Optional.empty();
        }
        var out = new ArrayList<Cidr>();
        boolean ok = true;
        for (var item : items.get()) {
            var parsed = Cidr.parse(item.text().strip());
            if (parsed.error() != null) {
                fields.problem(item.mark(), parsed.error(), "an address or prefix such as 192.0.2.0/24 or 2001:db8::/32");
                ok = false;
            } else {
                out.add(parsed.cidr());
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    private Optional<Limits> limits(At at) {
        var instancesEntry = at.entry("instances");
        var perSourceEntry = at.entry("per_source");
        var instances = instancesEntry == null ? Optional.of(Limits.DEFAULT.instances())
                : fields.integer(instancesEntry, 1, 1_000_000, Limits.UNLIMITED);
        var perSource = perSourceEntry == null ? Optional.of(Limits.DEFAULT.perSource())
                : fields.integer(perSourceEntry, 1, 1_000_000, Limits.UNLIMITED);
        return instances.flatMap(i -> perSource.map(p -> new Limits(i, p)));
    }
}
