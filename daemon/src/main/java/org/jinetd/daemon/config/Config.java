package org.jinetd.daemon.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jinetd.daemon.os.AppendFile;

/**
 * Reads and checks a service table: YAML, then every key of every service, then clashes
 * between services. Either a whole table or every problem, never half of one.
 */
public final class Config {
    private final Providers providers;
    private final Plugins plugins;
    private final Accounts accounts;
    private final PortNames ports;
    private final int selfUid;
    private final Trust trust;

    Config(Providers providers, Plugins plugins, Accounts accounts, PortNames ports, int selfUid) {
        this.providers = providers;
        this.plugins = plugins;
        this.accounts = accounts;
        this.ports = ports;
        this.selfUid = selfUid;
        this.trust = Trust.forDaemon(selfUid);
    }

    /** A reader for this machine: its handlers, users, {@code /etc/services} and the daemon's own uid. */
    public static Config forThisHost(Plugins plugins) {
        return new Config(Providers.installed(), plugins, new Accounts(), new PortNames(), Accounts.self());
    }

    /** Reads a table once, loading its plugins afresh. */
    public static Loaded load(Path file) {
        return forThisHost(new Plugins()).read(file);
    }

    /**
     * The table in {@code file}, or its problems sorted by file, line and column. Nothing
     * thrown while reading escapes: a bug or a value too big for memory is a problem too.
     */
    public Loaded read(Path file) {
        var problems = new ArrayList<Problem>();
        ServiceTable table;
        try {
            var root = new YamlReader(file, problems, trust).read();
            table = root.map(node -> table(file, node, problems)).orElse(null);
        } catch (RuntimeException | Error e) {
            // Out of memory or stack, or a plugin's code failing: that ends this read only, and
            // the daemon serves on with its old table. A broken JVM (InternalError) does not go on.
            if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError || e instanceof StackOverflowError)) {
                throw e;
            }
            problems.add(new Problem(file, 1, 1, "cannot read: " + e, null));
            table = null;
        }
        if (table != null && problems.isEmpty()) {
            return new Loaded.Ok(table);
        }
        if (problems.isEmpty()) {
            problems.add(new Problem(file, 1, 1, "cannot read", "a readable service table"));
        }
        return new Loaded.Bad(sorted(problems));
    }

    private static List<Problem> sorted(List<Problem> problems) {
        return new LinkedHashSet<>(problems).stream()
                .sorted(java.util.Comparator.comparing((Problem p) -> p.file().toString())
                        .thenComparingInt(Problem::line).thenComparingInt(Problem::col))
                .toList();
    }

    private ServiceTable table(Path file, Node root, List<Problem> problems) {
        var fields = new Fields(problems);
        if (!(root instanceof Node.Mapping top)) {
            problems.add(Problem.at(root.mark(), "the table is " + Node.shape(root) + ", not a map",
                    "a map with a 'services:' key"));
            return new ServiceTable(file, ServiceTable.DEFAULT_SHUTDOWN_GRACE, ServiceTable.DEFAULT_MAX_CONNECTIONS,
                    ServiceTable.DEFAULT_MAX_SPAWNERS, ServiceTable.DEFAULT_DATAGRAM_REPLY_RATE, Optional.empty(),
                    Optional.empty(), List.of(), List.of(), ServiceTable.Sources.of(file));
        }
        fields.rejectUnknown(top, Keys.TOP, "top-level key");
        var grace = fields.duration(top.entries().get("shutdown_grace"), ServiceTable.DEFAULT_SHUTDOWN_GRACE);
        var max = top.entries().get("max_connections") == null ? Optional.of(ServiceTable.DEFAULT_MAX_CONNECTIONS)
                : fields.integer(top.entries().get("max_connections"), 1, 10_000_000, Limits.UNLIMITED);
        int spawners = top.entries().get("max_spawners") == null ? ServiceTable.DEFAULT_MAX_SPAWNERS
                : fields.integer(top.entries().get("max_spawners"), 0, 1000, null).orElse(ServiceTable.DEFAULT_MAX_SPAWNERS);
        var replyEntry = top.entries().get("datagram_reply_rate");
        long replies = replyEntry == null ? ServiceTable.DEFAULT_DATAGRAM_REPLY_RATE
                : fields.amount(replyEntry, "datagram_reply_rate", true).orElse(ServiceTable.DEFAULT_DATAGRAM_REPLY_RATE);
        var control = controlSocket(fields, top.entries().get("control_socket"));
        var log = log(fields, top.entries().get("log"));

        Map<String, Node.Entry> defaults = Map.of();
        var defaultsEntry = top.entries().get("defaults");
        if (defaultsEntry != null && fields.mapping(defaultsEntry) instanceof Node.Mapping d) {
            fields.rejectUnknown(d, Keys.SERVICE, "key of defaults");
            defaults = d.entries();
        }

        var servicesEntry = top.entries().get("services");
        var includeEntry = top.entries().get("include");
        if (servicesEntry == null && includeEntry == null) {
            problems.add(Problem.at(top.mark(), "no 'services:' key", "a map of services by name"));
            return new ServiceTable(file, grace, max.orElse(ServiceTable.DEFAULT_MAX_CONNECTIONS), spawners, replies,
                    control, log, List.of(), List.of(), ServiceTable.Sources.of(file));
        }
        var written = new ArrayList<Node.Entry>();
        if (servicesEntry != null && fields.mapping(servicesEntry) instanceof Node.Mapping all) {
            written.addAll(all.entries().values());
        }
        var read = new ArrayList<Path>(List.of(file));
        if (includeEntry != null) {
            var includes = new Includes(fields, problems, trust);
            includes.read(file, includeEntry).forEach(written::add);
            read.addAll(includes.looked());
        }
        var services = new ArrayList<Service>();
        var marks = new LinkedHashMap<Service, Node.Mark>();
        var names = new java.util.HashMap<String, Node.Mark>();
        var handlers = handlers(fields, top.entries().get("plugins"));
        var reader = new ServiceReader(fields, handlers.providers(), accounts, ports, selfUid, trust);
        for (var entry : written) {
            var first = names.putIfAbsent(entry.key().name(), entry.key().mark());
            if (first != null) {
                problems.add(Problem.at(entry.key().mark(), "service '%s' is defined twice; first at %s:%d:%d"
                        .formatted(entry.key().name(), first.file(), first.line(), first.col()), "one service per name"));
                continue;
            }
            var merged = merge(defaults, entry.value());
            reader.read(entry.key(), entry.value(), merged).ifPresent(service -> {
                services.add(service);
                marks.put(service, entry.key().mark());
            });
        }
        clashes(services, marks, problems);
        var places = new java.util.HashMap<String, String>();
        marks.forEach((service, mark) -> places.put(service.name(), "%s:%d:%d".formatted(mark.file(), mark.line(),
                mark.col())));
        return new ServiceTable(file, grace, max.orElse(ServiceTable.DEFAULT_MAX_CONNECTIONS), spawners, replies,
                control, log, capSpawners(services, spawners), handlers.jars(), new ServiceTable.Sources(places, read));
    }

    /**
     * The users of the first {@code most} spawners, in table order, get one; a program of any
     * other user goes through setpriv, and check and list say so.
     */
    private static List<Service> capSpawners(List<Service> services, int most) {
        var accounts = new LinkedHashSet<List<Integer>>();
        var capped = new ArrayList<Service>();
        for (var service : services) {
            if (!service.disabled() && service.launch() instanceof Launch.Exec exec && exec.wantsSpawner()) {
                var account = List.of(exec.runAs().uid(), exec.runAs().gid());
                if (accounts.contains(account) || accounts.size() < most) {
                    accounts.add(account);
                } else {
                    capped.add(service.with(exec.withoutSpawner()));
                    continue;
                }
            }
            capped.add(service);
        }
        return capped;
    }

    /** The providers a table's services may name, and the plugin jars they came from. */
    private record Handlers(Providers providers, List<PluginJar> jars) {}

    /**
     * The built-in handlers and those of the plugin directory. Every jar that is not trusted,
     * cannot be loaded, provides nothing or takes a name already taken is a problem at the
     * {@code plugins:} key, named by its file.
     */
    private Handlers handlers(Fields fields, Node.Entry entry) {
        if (entry == null) {
            plugins.none();
            return new Handlers(providers, List.of());
        }
        var dir = fields.path(entry);
        if (dir.isEmpty()) {
            return new Handlers(providers, List.of());
        }
        java.util.function.BiConsumer<String, String> problem = (what, expected) ->
                fields.problem(entry.value().mark(), "plugins '" + dir.get() + "': " + what, expected);
        try {
            var jars = plugins.load(dir.get(), trust, problem);
            return new Handlers(providers.with(jars, problem), jars);
        } catch (java.io.IOException e) {
            fields.problem(entry.value().mark(), "plugins '" + dir.get() + "': " + Unreadable.reason(e),
                    "a readable directory of handler jars");
            return new Handlers(providers, List.of());
        }
    }

    /** {@code control_socket}: an absolute path, {@code none}, or (absent) the default for this environment. */
    private Optional<Path> controlSocket(Fields fields, Node.Entry entry) {
        if (entry == null) {
            return Optional.of(ServiceTable.defaultControlSocket(System.getenv(), selfUid == 0));
        }
        var text = fields.string(entry);
        if (text.isEmpty() || text.get().equals("none")) {
            return Optional.empty();
        }
        var path = fields.path(entry);
        if (path.isPresent() && !path.get().isAbsolute()) {
            fields.problem(entry.value().mark(), "control_socket '" + Node.token(text.get()) + "' is relative",
                    "an absolute path, or none");
            return Optional.empty();
        }
        var unsafe = path.flatMap(trust::placeRefusal);
        if (unsafe.isPresent()) {
            fields.problem(entry.value().mark(), "control_socket '" + path.get() + "' " + unsafe.get().what(),
                    unsafe.get().expected());
            return Optional.empty();
        }
        return path;
    }

    /**
     * {@code log}: stderr, journal, syslog, or the absolute path of a file to append to, which
     * a root daemon must be able to trust, with every directory above it: both are checked
     * again as the file is opened, at the start and at each reload.
     */
    private Optional<LogDestination> log(Fields fields, Node.Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        var text = fields.string(entry);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        var mark = entry.value().mark();
        switch (text.get()) {
            case "stderr" -> { return Optional.of(new LogDestination.Stderr()); }
            case "journal" -> { return Optional.of(new LogDestination.Journal()); }
            case "syslog" -> { return Optional.of(new LogDestination.Syslog()); }
            default -> { }
        }
        var expected = "stderr, journal, syslog, or the absolute path of a file";
        if (!text.get().startsWith("/")) {
            var hint = text.get().contains("/") ? "" : Keys.nearest(text.get(), LogDestination.WORDS)
                    .map(w -> "; did you mean '" + w + "'?").orElse("");
            fields.problem(mark, "log '" + Node.token(text.get()) + "' is " + (text.get().contains("/")
                    ? "a relative path" : "no destination jinetd knows"), expected + hint);
            return Optional.empty();
        }
        var path = fields.path(entry).map(Path::normalize);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        var refusal = AppendFile.refusal(path.get(), selfUid == 0 ? 0 : AppendFile.ANY);
        if (refusal.isPresent()) {
            fields.problem(mark, "log '" + path.get() + "': " + refusal.get().what(), refusal.get().expected());
            return Optional.empty();
        }
        return Optional.of(new LogDestination.File(path.get()));
    }

    /** The service's own keys over the defaults' (a value from defaults keeps its place there). */
    private static Map<String, Node.Entry> merge(Map<String, Node.Entry> defaults, Node service) {
        var merged = new LinkedHashMap<>(defaults);
        if (service instanceof Node.Mapping own) {
            merged.putAll(own.entries());
        }
        return merged;
    }

    private static void clashes(List<Service> services, Map<Service, Node.Mark> marks, List<Problem> problems) {
        var seen = new ArrayList<Service>();
        for (var service : services) {
            if (service.disabled()) {
                continue;
            }
            for (var earlier : seen) {
                if (earlier.endpoint().overlaps(service.endpoint())) {
                    var first = marks.get(earlier);
                    problems.add(Problem.at(marks.get(service),
                            "service '%s' listens on %s %s, as service '%s' at %s:%d:%d does".formatted(
                                    service.name(), service.endpoint().transport().key(),
                                    service.endpoint().shown(), earlier.name(), first.file(), first.line(),
                                    first.col()),
                            "one service per protocol, address and port"));
                }
            }
            seen.add(service);
        }
    }
}
