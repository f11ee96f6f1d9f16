package org.jinetd.daemon.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.jinetd.handler.OptionException;

/** Reads what runs for a connection: a program and its account and resources, a handler, or a redirect. */
final class LaunchReader {
    /** Keys that only a program uses; written on another service they are a mistake. */
    static final List<String> EXEC_ONLY = List.of("user", "group", "env", "io", "stderr", "wait", "listen_fds",
            "cwd", "umask", "nice", "rlimits");
    /** prlimit's names for the limits a program may be given. */
    static final List<String> RLIMITS = List.of("nofile", "nproc", "as", "cpu", "core", "fsize");

    private final Fields fields;
    private final Providers providers;
    private final Accounts accounts;
    private final int selfUid;

    LaunchReader(Fields fields, Providers providers, Accounts accounts, int selfUid) {
        this.fields = fields;
        this.providers = providers;
        this.accounts = accounts;
        this.selfUid = selfUid;
    }

    Optional<Launch> launch(Written at, Transport transport) {
        // A launch key the service writes replaces any that defaults give.
        var kinds = Keys.LAUNCH.stream().filter(at::writes).toList();
        if (kinds.isEmpty()) {
            kinds = Keys.LAUNCH.stream().filter(k -> at.entry(k) != null).toList();
        }
        if (kinds.size() != 1) {
            var what = kinds.isEmpty() ? "service '" + at.name() + "' has no exec, handler or redirect"
                    : "service '" + at.name() + "' has both " + String.join(" and ", kinds);
            fields.problem(at.key().mark(), what,
                    "exactly one of 'exec:' (a program), 'handler:' (in-JVM) or 'redirect:' (forwarded)");
            return Optional.empty();
        }
        return switch (kinds.getFirst()) {
            case "exec" -> exec(at, transport);
            case "redirect" -> redirect(at, transport);
            default -> handler(at, transport);
        };
    }

    private Optional<Launch> exec(Written at, Transport transport) {
        notForRedirects(at, "an 'exec:'");
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
        var parsed = fields.path(program, "program");
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        var path = parsed.get();
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
        if (env.isPresent() && at.entry("env") != null) {
            // env -i reads NAME=VALUE: a name with '=' in it, or none, would set another variable.
            var names = (Node.Mapping) at.entry("env").value();
            for (var name : env.get().keySet()) {
                if (name.isEmpty() || name.contains("=")) {
                    fields.problem(names.entries().get(name).key().mark(), "env name '" + name + "' is empty or holds '='",
                            "a variable name such as LANG");
                    ok = false;
                }
            }
        }
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
        var resources = resources(at);
        if (!ok || env.isEmpty() || io.isEmpty() || stderr.isEmpty() || runAs.isEmpty() || resources.isEmpty()) {
            return Optional.empty();
        }
        var words = argv.get().stream().map(Node.Scalar::text).toList();
        return Optional.of(new Launch.Exec(words, runAs.get(), env.get(), io.get(), stderr.get(), waits, listenFds,
                resources.get()));
    }

    private <E> Optional<E> choice(Node.Entry entry, E[] values, Function<E, String> key, E absent) {
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
        var known = Arrays.stream(values).map(key).toList();
        fields.problem(entry.value().mark(), "'" + entry.key().name() + "' is '" + text.get() + "'",
                String.join(" or ", known));
        return Optional.empty();
    }

    /**
     * Root runs programs as root only where {@code user: root} is written, else as nobody; any
     * other daemon can run programs as itself alone.
     */
    private Optional<RunAs> runAs(Written at) {
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
                fields.problem(userEntry.value().mark(), "user '" + Node.token(wanted.get()) + "' does not exist",
                        "a user in /etc/passwd or known to getent" + Fields.didYouMean(wanted.get(), accounts.userNames()));
                // Its group is checked all the same: every mistake of the service at once.
                fields.string(groupEntry).ifPresent(g -> group(groupEntry, g));
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
            var g = group(groupEntry, group.get());
            if (g.isEmpty()) {
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
        if (switches && Tools.SETPRIV.isEmpty()) {
            var mark = userEntry != null ? userEntry.value().mark() : at.key().mark();
            fields.problem(mark, "running '" + at.name() + "' as " + u.name() + " needs setpriv, which is not installed",
                    "util-linux's setpriv in /usr/bin (apt-get install util-linux)");
            return Optional.empty();
        }
        return Optional.of(new RunAs(u.name(), u.uid(), groupName, gid, u.home(), u.shell(), switches));
    }

    /** The group named {@code name}, or a problem at its entry. */
    private Optional<Accounts.Group> group(Node.Entry entry, String name) {
        var g = accounts.group(name);
        if (g.isEmpty()) {
            fields.problem(entry.value().mark(), "group '" + Node.token(name) + "' does not exist",
                    "a group in /etc/group or known to getent" + Fields.didYouMean(name, accounts.groupNames()));
        }
        return g;
    }

    private Optional<Launch> handler(Written at, Transport transport) {
        notForPrograms(at, "handler");
        notForRedirects(at, "a handler");
        var entry = at.entry("handler");
        var name = fields.string(entry);
        var options = fields.texts(at.entry("options"));
        if (name.isEmpty() || options.isEmpty()) {
            return Optional.empty();
        }
        var found = providers.named(name.get());
        if (found.isEmpty()) {
            var known = providers.names().isEmpty() ? "a handler, but none is installed"
                    : "one of: " + String.join(", ", providers.names()) + Fields.didYouMean(name.get(), providers.names());
            var broken = providers.broken().entrySet().stream()
                    .map(e -> "; " + e.getKey() + " could not be loaded: " + e.getValue()).reduce("", String::concat);
            fields.problem(entry.value().mark(), "handler '" + name.get() + "' is not known", known + broken);
            return Optional.empty();
        }
        var provider = found.get().provider();
        var jar = found.get().jar();
        var thread = Thread.currentThread();
        var context = thread.getContextClassLoader();
        // The provider's code runs as its handlers' will: with its own jar as the context.
        thread.setContextClassLoader(found.get().loader());
        try {
            if (transport.streams()) {
                // Declared a reply known at accept, whatever the lambda's type: answered on the listener's thread.
                var reply = Objects.requireNonNull(PluginCall.within(found.get().loader(), "reply(options)",
                        () -> provider.reply(options.get())), "reply() returned null");
                if (reply.isPresent()) {
                    return Optional.of(new Launch.Stream(name.get(), options.get(), reply.get(), reply, jar, true));
                }
                var handler = Objects.requireNonNull(PluginCall.within(found.get().loader(), "stream(options)",
                        () -> provider.stream(options.get())), "stream() returned null");
                if (handler.isPresent()) {
                    boolean speaksFirst = PluginCall.within(found.get().loader(), "speaksFirst(options)",
                            () -> provider.speaksFirst(options.get()));
                    return Optional.of(new Launch.Stream(name.get(), options.get(), handler.get(), Optional.empty(),
                            jar, speaksFirst));
                }
            } else {
                var handler = Objects.requireNonNull(PluginCall.within(found.get().loader(), "datagram(options)",
                        () -> provider.datagram(options.get())), "datagram() returned null");
                if (handler.isPresent()) {
                    return Optional.of(new Launch.Datagrams(name.get(), options.get(), handler.get(), jar));
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
        } catch (PluginCall.Hung e) {
            fields.problem(entry.value().mark(), "handler '" + name.get() + "': " + e.getMessage(),
                    "a provider that returns at once");
        } catch (RuntimeException e) {
            fields.problem(entry.value().mark(), "handler '" + name.get() + "' failed to start: " + e, null);
        } finally {
            thread.setContextClassLoader(context);
        }
        return Optional.empty();
    }

    private Optional<Launch> redirect(Written at, Transport transport) {
        notForPrograms(at, "redirect");
        var entry = at.entry("redirect");
        // The long form: {to: HOST:PORT, proxy: 1 | 2}.
        int proxy = 0;
        if (entry.value() instanceof Node.Mapping long_) {
            fields.rejectUnknown(long_, List.of("to", "proxy"), "key of redirect");
            var proxyEntry = long_.entries().get("proxy");
            if (proxyEntry != null) {
                var version = fields.integer(proxyEntry, 1, 2, null);
                if (version.isEmpty()) {
                    return Optional.empty();
                }
                proxy = version.get();
            }
            entry = long_.entries().get("to");
            if (entry == null) {
                fields.problem(long_.mark(), "redirect has no 'to'", "to: HOST:PORT");
                return Optional.empty();
            }
        }
        var text = fields.string(entry);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (transport != Transport.TCP && transport != Transport.UNIX) {
            fields.problem(entry.value().mark(), "redirect forwards streams", "protocol: tcp");
            return Optional.empty();
        }
        var written = text.get().strip();
        int colon = written.lastIndexOf(':');
        var host = colon < 0 ? "" : written.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = Integer.parseInt(written.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            // reported below
        }
        if (host.isEmpty() || port < 1 || port > 65_535) {
            fields.problem(entry.value().mark(), "redirect '" + Node.token(written) + "' is not HOST:PORT",
                    "an address or name and a port, such as 192.0.2.7:80 or [2001:db8::7]:80");
            return Optional.empty();
        }
        return Optional.of(new Launch.Redirect(host, port, proxy));
    }

    /** {@code connect_timeout} written on a service that forwards nothing is a mistake; from defaults it does not apply. */
    private void notForRedirects(Written at, String kind) {
        if (at.writes("connect_timeout")) {
            fields.problem(at.entry("connect_timeout").key().mark(), "'connect_timeout' applies to 'redirect:' services only",
                    "no 'connect_timeout' on " + kind + " service");
        }
    }

    /** Program keys written on a service that runs no program are a mistake; from defaults they do not apply. */
    private void notForPrograms(Written at, String kind) {
        for (var key : EXEC_ONLY) {
            if (at.writes(key)) {
                fields.problem(at.entry(key).key().mark(), "'" + key + "' applies to 'exec:' services only",
                        "no '" + key + "' on a " + kind + " service");
            }
        }
    }

    private Optional<Resources> resources(Written at) {
        var cwdEntry = at.entry("cwd");
        var cwd = fields.string(cwdEntry);
        var cwdPath = cwd.isPresent() ? fields.path(cwdEntry) : Optional.<Path>empty();
        boolean ok = cwdEntry == null || cwdPath.isPresent();
        if (cwdPath.isPresent() && (!cwdPath.get().isAbsolute() || !Files.isDirectory(cwdPath.get()))) {
            fields.problem(cwdEntry.value().mark(), "cwd '" + cwd.get() + "' is not an existing directory",
                    "an absolute path to a directory");
            ok = false;
        }
        OptionalInt umask = OptionalInt.empty();
        var umaskEntry = at.entry("umask");
        if (umaskEntry != null) {
            var text = fields.string(umaskEntry);
            if (text.isPresent() && text.get().matches("0?[0-7]{3}")) {
                umask = OptionalInt.of(Integer.parseInt(text.get(), 8));
            } else {
                text.ifPresent(t -> fields.problem(umaskEntry.value().mark(), "umask '" + t + "' is not octal",
                        "three octal digits such as 027 (quote it: '027')"));
                ok = false;
            }
        }
        OptionalInt nice = OptionalInt.empty();
        if (at.entry("nice") != null) {
            var value = fields.integer(at.entry("nice"), -20, 19, null);
            ok &= value.isPresent();
            nice = value.map(OptionalInt::of).orElse(OptionalInt.empty());
        }
        var rlimits = new LinkedHashMap<String, Long>();
        var rlimitsEntry = at.entry("rlimits");
        if (rlimitsEntry != null) {
            var mapping = fields.mapping(rlimitsEntry);
            if (mapping == null) {
                ok = false;
            } else {
                fields.rejectUnknown(mapping, RLIMITS, "limit");
                for (var e : mapping.entries().values()) {
                    if (!RLIMITS.contains(e.key().name())) {
                        ok = false;
                        continue;
                    }
                    var value = fields.amount(e, "rlimits." + e.key().name(), true);
                    ok &= value.isPresent();
                    value.ifPresent(v -> rlimits.put(e.key().name(), v));
                }
            }
        }
        if (!rlimits.isEmpty() && Tools.PRLIMIT.isEmpty()) {
            fields.problem(rlimitsEntry.key().mark(), "rlimits need prlimit, which is not installed",
                    "util-linux's prlimit in /usr/bin (apt-get install util-linux)");
            ok = false;
        }
        if (nice.isPresent() && Tools.NICE.isEmpty()) {
            fields.problem(at.entry("nice").key().mark(), "nice needs the nice program, which is not installed",
                    "coreutils' nice in /usr/bin");
            ok = false;
        }
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(new Resources(rlimits, nice, umask, cwd));
    }

}
