package org.jinetd.daemon.control;

import java.util.List;
import java.util.Map;

/**
 * What is happening now: one row per service, the live connections, and the spawners that
 * start the programs of other users. The control socket sends it as JSON ({@link ControlJson});
 * {@code jinetd status} prints it as a table.
 *
 * @param tableLoaded  when the table now served was read and applied (UTC, ISO 8601)
 * @param tableChanged whether one of its files has changed since: a reload would read another
 * @param programs     programs running now, of every service and user
 * @param connections  the live connections (of one service, when one was asked for)
 * @param spawners     the spawners running now, those closing included
 * @param openFiles    the daemon's descriptors and its limit of them; null where not known
 */
public record StatusReport(String table, String tableLoaded, boolean tableChanged, long pid, double uptimeSeconds,
                           int live, int maxConnections, int programs, List<ServiceRow> services,
                           List<ConnectionRow> connections, List<SpawnerRow> spawners, OpenFiles openFiles) {
    public StatusReport {
        services = List.copyOf(services);
        connections = List.copyOf(connections);
        spawners = List.copyOf(spawners);
    }

    /**
     * @param state      listening, limited (over a rate), paused (short of a resource), failed (not
     *                   listening: see lastError), disabled
     * @param live       its live connections; for a wait-mode service, its program while it runs
     * @param refused    refusals by reason since start (a failed TLS handshake is one, {@code tls_...})
     * @param failed     connections that ended in a failure (a program's non-zero exit or signal,
     *                   a handler's exception) since start
     * @param handshakes TLS handshakes done since start, where the service has {@code tls:}; null
     *                   for a plain one
     */
    public record ServiceRow(String name, String protocol, String address, String state, int live,
                             long connections, Map<String, Long> refused, long failed, String lastError,
                             Long handshakes) {
        public ServiceRow {
            refused = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(refused));
        }
    }

    /** @param pid the program's, where one serves it; null for a handler's */
    public record ConnectionRow(String service, String peer, Long pid, double ageSeconds) {}

    /**
     * A spawner: the JVM, running as {@code user}, that starts that user's programs.
     *
     * @param state    starting, ready, retired (a reload came: it takes no more programs and
     *                 closes after its last), closing
     * @param programs its programs running now
     */
    public record SpawnerRow(String user, long pid, String state, int programs, double ageSeconds) {}

    /**
     * The daemon's open files. A limit is null where it is unlimited.
     *
     * @param open         descriptors the daemon holds now; null where they could not be counted
     * @param limit        its soft limit now
     * @param hardLimit    its hard limit
     * @param raisesAt     the descriptor number at which the daemon raises its soft limit to the
     *                     hard one; null where it will not (any more)
     * @param programLimit the soft limit its programs get: the one it was started with
     */
    public record OpenFiles(Long open, Long limit, Long hardLimit, Long raisesAt, Long programLimit) {}
}
