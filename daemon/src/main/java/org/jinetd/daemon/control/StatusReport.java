package org.jinetd.daemon.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jinetd.daemon.Daemon;
import org.jinetd.daemon.log.Peers;

/**
 * What is happening now: one row per service, and the live connections. The control
 * socket sends it as JSON; {@code jinetd status} prints it as a table.
 *
 * @param tableLoaded  when the table now served was read and applied (UTC, ISO 8601)
 * @param tableChanged whether its file has changed since: a reload would read another
 * @param connections  the live connections (of one service, when one was asked for)
 */
public record StatusReport(String table, String tableLoaded, boolean tableChanged, long pid, double uptimeSeconds,
                           int live, int maxConnections, List<ServiceRow> services, List<ConnectionRow> connections) {
    /**
     * @param state     listening, limited (over a rate), paused (short of a resource), failed (not
     *                  listening: see lastError), disabled
     * @param refused    refusals by reason since start (a failed TLS handshake is one, {@code tls_...})
     * @param failed     connections that ended in a failure (a program's non-zero exit or signal,
     *                   a handler's exception) since start
     * @param handshakes TLS handshakes done since start, where the service has {@code tls:}; null
     *                   for a plain one
     */
    public record ServiceRow(String name, String protocol, String address, String state, int live,
                             long connections, Map<String, Long> refused, long failed, String lastError,
                             Long handshakes) {}

    public record ConnectionRow(String service, String peer, Long pid, double ageSeconds) {}

    public static StatusReport of(Daemon daemon, Optional<String> only) {
        var tally = daemon.log().tally();
        var table = daemon.table();
        var listeners = daemon.listeners();
        var rows = new ArrayList<ServiceRow>();
        for (var service : table.services()) {
            if (only.isPresent() && !only.get().equals(service.name())) {
                continue;
            }
            var counts = tally.of(service.name());
            var listener = listeners.stream().filter(l -> l.service().name().equals(service.name())).findFirst();
            String state;
            String address = service.endpoint().shown();
            String lastError = counts.lastError();
            int live = 0;
            if (service.disabled()) {
                state = "disabled";
            } else if (listener.isEmpty()) {
                state = "failed";
                lastError = daemon.failed().getOrDefault(service.name(), lastError);
            } else {
                state = listener.get().state();
                live = listener.get().live();
                try {
                    address = Peers.shown(listener.get().address());
                } catch (java.io.IOException e) {
                    // the address as written will do
                }
            }
            rows.add(new ServiceRow(service.name(), service.endpoint().transport().key(), address, state, live,
                    counts.connections(), counts.refused(), counts.failed(), lastError,
                    service.tls().isPresent() ? counts.handshakes() : null));
        }
        var connections = daemon.connections().stream()
                .filter(c -> only.isEmpty() || only.get().equals(c.service()))
                .sorted(java.util.Comparator.comparing(c -> -c.age().toNanos()))
                .map(c -> new ConnectionRow(c.service(), c.peer(),
                        c.pid().isPresent() ? c.pid().getAsLong() : null, c.age().toMillis() / 1000.0))
                .toList();
        var loaded = daemon.applied().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        return new StatusReport(table.file().toString(), loaded, daemon.tableChanged(), ProcessHandle.current().pid(),
                daemon.uptime().toMillis() / 1000.0, daemon.live(), table.maxConnections(), rows, connections);
    }
}
