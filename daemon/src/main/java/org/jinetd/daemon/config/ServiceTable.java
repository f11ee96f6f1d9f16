package org.jinetd.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A checked service table: what the daemon serves. Built once by {@link Config#load}, then
 * only read.
 *
 * @param file          where it was read from
 * @param shutdownGrace  how long live connections may run on after a stop before they are ended
 * @param maxConnections live connections of all services together ({@code max_connections})
 * @param maxSpawners    spawners of other users at once ({@code max_spawners}): the users of the
 *                       first this many, in table order, get one; programs of the rest go through setpriv
 * @param datagramReplyRate bytes a second that the datagram handlers may send in all
 *                       ({@code datagram_reply_rate}), or -1 for no bound
 * @param controlSocket  where {@code jinetd status/reload/stop} reach the daemon; empty when
 *                       written {@code control_socket: none}
 * @param log            where the log goes ({@code log:}); empty where the table does not say,
 *                       which sends it where the daemon runs (the journal under systemd, else stderr)
 * @param services       every service, disabled ones included, in table order
 * @param plugins        the jars of its plugin directory as they were read for it: held while
 *                       it is served, so that none is closed under it
 * @param sources        where it was written: each service's place, and every file it was read from
 */
public record ServiceTable(Path file, Duration shutdownGrace, int maxConnections, int maxSpawners,
                           long datagramReplyRate, Optional<Path> controlSocket,
                           Optional<LogDestination> log, List<Service> services, List<PluginJar> plugins,
                           Sources sources) {
    /**
     * Where a table was written.
     *
     * @param places  each service's name as {@code FILE:LINE:COLUMN}, for a message about it at run time
     * @param read    the table's file, each included file, and each directory an include globbed
     */
    public record Sources(java.util.Map<String, String> places, List<Path> read) {
        public Sources {
            places = java.util.Map.copyOf(places);
            read = List.copyOf(read);
        }

        /** The table's file alone, with no service placed. */
        public static Sources of(Path file) {
            return new Sources(java.util.Map.of(), List.of(file));
        }

        /** {@code FILE:LINE:COLUMN: } of a service's name, where it is known; else nothing. */
        public String at(String service) {
            var place = places.get(service);
            return place == null ? "" : place + ": ";
        }
    }

    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Spawners are JVMs: a small host carries this many at once beside the daemon. */
    public static final int DEFAULT_MAX_SPAWNERS = 8;
    /**
     * What a host carries without notice (8 Mbit/s), and far more than the RFC 862-868 services
     * need: a bound on what forged datagrams can make them send elsewhere.
     */
    public static final long DEFAULT_DATAGRAM_REPLY_RATE = 1L << 20;

    public ServiceTable {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(controlSocket, "controlSocket");
        Objects.requireNonNull(log, "log");
        services = List.copyOf(services);
        plugins = List.copyOf(plugins);
        Objects.requireNonNull(sources, "sources");
    }

    /**
     * Where the control socket goes when the table does not say: systemd's
     * RuntimeDirectory, else /run/jinetd for root, else the user's runtime directory.
     */
    public static Path defaultControlSocket(java.util.Map<String, String> environment, boolean root) {
        var runtime = environment.get("RUNTIME_DIRECTORY");
        if (runtime != null && !runtime.isEmpty()) {
            // systemd may list several, separated by ':'; the first is jinetd's own.
            return Path.of(runtime.split(":")[0], "control.sock");
        }
        if (root) {
            return Path.of("/run/jinetd/control.sock");
        }
        var xdg = environment.get("XDG_RUNTIME_DIR");
        return xdg != null && !xdg.isEmpty() ? Path.of(xdg, "jinetd", "control.sock")
                : Path.of(System.getProperty("java.io.tmpdir"), "jinetd-" + System.getProperty("user.name"),
                        "control.sock");
    }

    /** The services that listen: all but the disabled ones. */
    public List<Service> enabled() {
        return services.stream().filter(s -> !s.disabled()).toList();
    }

    public Optional<Service> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
