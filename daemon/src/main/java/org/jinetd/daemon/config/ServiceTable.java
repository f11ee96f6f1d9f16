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
 * @param services       every service, disabled ones included, in table order
 */
public record ServiceTable(Path file, Duration shutdownGrace, int maxConnections, List<Service> services) {
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    public ServiceTable {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        services = List.copyOf(services);
    }

    /** The services that listen: all but the disabled ones. */
    public List<Service> enabled() {
        return services.stream().filter(s -> !s.disabled()).toList();
    }

    public Optional<Service> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
