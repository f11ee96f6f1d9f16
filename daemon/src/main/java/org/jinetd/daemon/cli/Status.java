package org.jinetd.daemon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jinetd.daemon.control.ControlJson;
import org.jinetd.daemon.control.StatusReport;
import org.jinetd.daemon.log.LogText;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class Status implements Callable<Integer> {
    final CommandSpec spec = Commands.of(this, "status",
            "Show what a running daemon is doing: each service, or one service's live connections.",
            "Asks the daemon on the control socket; a daemon that runs as neither root nor this user is not asked.");
    private final ControlOption control = new ControlOption(spec);
    private final PositionalParamSpec named = Commands.positional(spec, "SERVICE", String.class, "0..1",
            "List this service's live connections.");
    private final OptionSpec json = Commands.flag(spec, "Print the report as JSON, for scripts.", "--json");
    private final OptionSpec prometheus = Commands.flag(spec, "Print counters in the Prometheus text format.",
            "--prometheus");

    @Override
    public Integer call() {
        String service = named.getValue();
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var reply = control.ask("status", service, err);
        if (reply.isEmpty()) {
            return ExitCodes.NOT_RUNNING;
        }
        var report = reply.get().status();
        if (service != null && report.services().isEmpty()) {
            err.println("jinetd: no service '" + LogText.escaped(service) + "' in " + LogText.escaped(report.table()));
            err.flush();
            return ExitCodes.USAGE;
        }
        try {
            if (Commands.given(json)) {
                out.println(ControlJson.shown(report));
            } else if (Commands.given(prometheus)) {
                prometheus(report, out);
            } else {
                table(report, service, out);
            }
        } catch (IOException e) {
            err.println("jinetd: " + e.getMessage());
            return ExitCodes.SOFTWARE;
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void table(StatusReport report, String service, PrintWriter out) {
        out.println("jinetd pid %d, up %s, %d of %d connections live, %d program%s running, table %s loaded %s%s"
                .formatted(report.pid(), age(report.uptimeSeconds()), report.live(), report.maxConnections(),
                        report.programs(), report.programs() == 1 ? "" : "s", LogText.escaped(report.table()),
                        report.tableLoaded(), report.tableChanged() ? " (changed since: 'jinetd reload' reads it)" : ""));
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("SERVICE", "PROTOCOL", "ADDRESS", "STATE", "LIVE", "TOTAL", "HANDSHAKES", "REFUSED", "FAILED",
                "LAST ERROR"));
        for (var s : report.services()) {
            var refused = s.refused().isEmpty() ? "-" : s.refused().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            rows.add(List.of(s.name(), s.protocol(), s.address(), s.state(), Integer.toString(s.live()),
                    Long.toString(s.connections()), s.handshakes() == null ? "-" : Long.toString(s.handshakes()),
                    refused, Long.toString(s.failed()), s.lastError().isEmpty() ? "-" : s.lastError()));
        }
        Columns.print(rows, out);
        if (report.openFiles() != null) {
            // Below the rows, where no script that reads the table by its lines finds it.
            out.println();
            out.println(openFiles(report.openFiles()));
        }
        if (!report.spawners().isEmpty()) {
            // The JVMs, one per user, that start the programs of users other than the daemon's.
            out.println();
            var spawners = new ArrayList<List<String>>();
            spawners.add(List.of("SPAWNER OF", "PID", "STATE", "PROGRAMS", "AGE"));
            for (var s : report.spawners()) {
                spawners.add(List.of(s.user(), Long.toString(s.pid()), s.state(), Integer.toString(s.programs()),
                        age(s.ageSeconds())));
            }
            Columns.print(spawners, out);
        }
        if (service != null) {
            out.println();
            var connections = new ArrayList<List<String>>();
            connections.add(List.of("PEER", "PID", "AGE"));
            for (var c : report.connections()) {
                connections.add(List.of(c.peer(), c.pid() == null ? "-" : Long.toString(c.pid()), age(c.ageSeconds())));
            }
            Columns.print(connections, out);
        }
    }


    /**
     * The daemon's descriptors against its limit, and what comes of the limit: {@code open files
     * 34 of 1024 (to be raised to 524288 at 992)}, {@code open files 1000 of 524288 (raised from 1024,
     * which programs get)}.
     */
    static String openFiles(StatusReport.OpenFiles f) {
        var line = new StringBuilder("open files ").append(f.open() == null ? "?" : f.open().toString())
                .append(" of ").append(limit(f.limit()));
        if (f.raisesAt() != null) {
            line.append(" (to be raised to ").append(limit(f.hardLimit())).append(" at ").append(f.raisesAt()).append(')');
        } else if (!java.util.Objects.equals(f.limit(), f.programLimit())) {
            line.append(" (raised from ").append(limit(f.programLimit())).append(", which programs get)");
        }
        return line.toString();
    }

    private static String limit(Long limit) {
        return limit == null ? "unlimited" : limit.toString();
    }

    static String age(double seconds) {
        long s = (long) seconds;
        if (s < 60) {
            return "%.1fs".formatted(seconds);
        }
        return s < 3600 ? "%dm%02ds".formatted(s / 60, s % 60) : "%dh%02dm".formatted(s / 3600, s % 3600 / 60);
    }

    private static void prometheus(StatusReport report, PrintWriter out) {
        metric(out, "jinetd_live_connections", "gauge", "Connections live now.");
        report.services().forEach(s -> out.println("jinetd_live_connections{service=\"%s\"} %d".formatted(s.name(), s.live())));
        metric(out, "jinetd_connections_total", "counter", "Connections ended since the daemon started.");
        report.services().forEach(s -> out.println("jinetd_connections_total{service=\"%s\"} %d".formatted(s.name(),
                s.connections())));
        metric(out, "jinetd_refused_total", "counter", "Connections refused since the daemon started, by reason.");
        report.services().forEach(s -> s.refused().forEach((reason, n) -> out.println(
                "jinetd_refused_total{service=\"%s\",reason=\"%s\"} %d".formatted(s.name(), reason, n))));
        metric(out, "jinetd_tls_handshakes_total", "counter",
                "TLS handshakes done since the daemon started (a failed one is a refusal, reason tls_...).");
        report.services().stream().filter(s -> s.handshakes() != null).forEach(s -> out.println(
                "jinetd_tls_handshakes_total{service=\"%s\"} %d".formatted(s.name(), s.handshakes())));
        metric(out, "jinetd_failed_total", "counter", "Connections that ended in a failure since the daemon started.");
        report.services().forEach(s -> out.println("jinetd_failed_total{service=\"%s\"} %d".formatted(s.name(), s.failed())));
        metric(out, "jinetd_service_state", "gauge", "1 for the state each service is in.");
        report.services().forEach(s -> out.println("jinetd_service_state{service=\"%s\",state=\"%s\"} 1".formatted(s.name(),
                s.state())));
        metric(out, "jinetd_programs", "gauge", "Programs running now.");
        out.println("jinetd_programs " + report.programs());
        metric(out, "jinetd_spawner_programs", "gauge", "Programs running now of each user's spawner.");
        report.spawners().forEach(s -> out.println("jinetd_spawner_programs{user=\"%s\",pid=\"%d\"} %d".formatted(
                s.user(), s.pid(), s.programs())));
        var files = report.openFiles();
        if (files != null && files.open() != null) {
            // The names of Prometheus's own process collector, which dashboards know.
            metric(out, "process_open_fds", "gauge", "Number of open file descriptors.");
            out.println("process_open_fds " + files.open());
        }
        if (files != null && files.limit() != null) {
            metric(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
            out.println("process_max_fds " + files.limit());
        }
        metric(out, "jinetd_uptime_seconds", "gauge", "Seconds since the daemon started.");
        out.println("jinetd_uptime_seconds " + report.uptimeSeconds());
        metric(out, "jinetd_table_changed", "gauge", "1 when the table's file has changed since it was loaded.");
        out.println("jinetd_table_changed " + (report.tableChanged() ? 1 : 0));
    }

    private static void metric(PrintWriter out, String name, String type, String help) {
        out.println("# HELP " + name + " " + help);
        out.println("# TYPE " + name + " " + type);
    }
}
