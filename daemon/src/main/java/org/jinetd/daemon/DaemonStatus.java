package org.jinetd.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Optional;
import org.jinetd.daemon.control.StatusReport;
import org.jinetd.daemon.launch.program.Setup;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Processes;

/** The report {@code jinetd status} asks for, of a running daemon. */
final class DaemonStatus {
    private DaemonStatus() {}

    /** @param only one service, and its connections alone; empty for all */
    static StatusReport of(Daemon daemon, Optional<String> only) {
        var tally = daemon.log().tally();
        var table = daemon.table();
        var listeners = daemon.listeners();
        var live = daemon.connections();
        var rows = new ArrayList<StatusReport.ServiceRow>();
        for (var service : table.services()) {
            if (only.isPresent() && !only.get().equals(service.name())) {
                continue;
            }
            var counts = tally.of(service.name());
            var listener = listeners.stream().filter(l -> l.service().name().equals(service.name())).findFirst();
            String state;
            String address = service.endpoint().shown();
            String lastError = counts.lastError();
            int connected = 0;
            if (service.disabled()) {
                state = "disabled";
            } else if (listener.isEmpty()) {
                state = "failed";
                lastError = daemon.failed().getOrDefault(service.name(), lastError);
            } else {
                state = listener.get().state();
                // A wait-mode program holds no place in the listener's count, but is live as the header counts it.
                connected = Math.max(listener.get().live(),
                        (int) live.stream().filter(c -> c.service().equals(service.name())).count());
                try {
                    address = Peers.shown(listener.get().address());
                } catch (java.io.IOException e) {
                    // the address as written will do
                }
            }
            rows.add(new StatusReport.ServiceRow(service.name(), service.endpoint().transport().key(), address, state,
                    connected, counts.connections(), counts.refused(), counts.failed(), lastError,
                    service.tls().isPresent() ? counts.handshakes() : null));
        }
        var connections = live.stream()
                .filter(c -> only.isEmpty() || only.get().equals(c.service()))
                .sorted(Comparator.comparing(c -> -c.age().toNanos()))
                .map(c -> new StatusReport.ConnectionRow(c.service(), c.peer(),
                        c.pid().isPresent() ? c.pid().getAsLong() : null, c.age().toMillis() / 1000.0))
                .toList();
        var spawners = daemon.spawnerFacts().stream()
                .sorted(Comparator.comparing(s -> s.user()))
                .map(s -> new StatusReport.SpawnerRow(s.user(), s.pid(), s.state(), s.programs(),
                        s.age().toMillis() / 1000.0))
                .toList();
        var loaded = daemon.applied().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        return new StatusReport(table.file().toString(), loaded, daemon.tableChanged(), ProcessHandle.current().pid(),
                daemon.uptime().toMillis() / 1000.0, daemon.live(), table.maxConnections(), daemon.children(), rows,
                connections, spawners, openFiles(daemon.setup()));
    }

    /** Null where the limits cannot be read. */
    static StatusReport.OpenFiles openFiles(Setup setup) {
        long[] limits;
        try {
            limits = Processes.openFiles();
        } catch (Libc.Failure | LinkageError | RuntimeException e) {
            return null;
        }
        Long open;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            // Less the one the listing itself holds.
            open = fds.count() - 1;
        } catch (IOException | java.io.UncheckedIOException e) {
            open = null;
        }
        var raisesAt = setup.raisesAt();
        return new StatusReport.OpenFiles(open, limited(limits[0]), limited(limits[1]),
                raisesAt.isPresent() ? raisesAt.getAsLong() : null, limited(setup.programLimit()));
    }

    private static Long limited(long limit) {
        return limit == Processes.UNLIMITED ? null : limit;
    }
}
