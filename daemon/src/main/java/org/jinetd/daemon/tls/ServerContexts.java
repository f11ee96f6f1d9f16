package org.jinetd.daemon.tls;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jinetd.daemon.config.Service;

/**
 * The server contexts of a daemon's services, by name: one made the first time a table has
 * {@code tls:} on the service, and updated by each table after it, so that session tickets
 * and the session cache outlive reloads.
 */
public final class ServerContexts {
    private final Map<String, ServerContext> byName = new ConcurrentHashMap<>();

    /**
     * Moves to a table's services: a service with {@code tls:} gets its context made or
     * updated; the context of a service gone, or gone plain, is dropped (connections that
     * use it keep it as long as they last).
     */
    public synchronized void apply(List<Service> services) {
        var names = new java.util.HashSet<String>();
        for (var service : services) {
            service.tls().ifPresent(tls -> {
                names.add(service.name());
                byName.compute(service.name(), (name, old) -> {
                    if (old == null) {
                        return new ServerContext(tls);
                    }
                    old.update(tls);
                    return old;
                });
            });
        }
        byName.keySet().retainAll(names);
    }

    /** The context of a service with {@code tls:} in the table applied last. */
    public Optional<ServerContext> context(String service) {
        return Optional.ofNullable(byName.get(service));
    }
}
