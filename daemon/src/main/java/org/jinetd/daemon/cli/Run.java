package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import org.jinetd.daemon.Daemon;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.control.Signals;
import org.jinetd.daemon.log.ConnectionLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Serve the table in the foreground until SIGTERM or SIGINT.",
        description = "Checks the table, binds every service (all or none), logs one 'ready' line, then serves. "
                + "On SIGTERM/SIGINT it stops listening, lets live connections finish within shutdown_grace, "
                + "ends the rest and exits 0.")
final class Run implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TableOption table;

    @Override
    public Integer call() throws InterruptedException {
        var err = spec.commandLine().getErr();
        var loaded = Config.load(table.file);
        if (loaded instanceof Loaded.Bad(var problems)) {
            problems.forEach(err::println);
            err.println("jinetd: %s has %d problem%s; not starting".formatted(table.file, problems.size(),
                    problems.size() == 1 ? "" : "s"));
            err.flush();
            return ExitCodes.BAD_TABLE;
        }
        var serviceTable = ((Loaded.Ok) loaded).table();
        var signals = new Signals().install();
        var log = new ConnectionLog();
        Daemon daemon;
        try {
            daemon = Daemon.start(serviceTable, log);
        } catch (Daemon.StartFailure e) {
            log.warn("jinetd: %d service%s could not listen; not starting".formatted(e.failures().size(),
                    e.failures().size() == 1 ? "" : "s"));
            return ExitCodes.CANNOT_START;
        }
        while (true) {
            switch (signals.next()) {
                case Signals.Request.Stop stop -> {
                    log.note("stop: " + stop.signal() + " received");
                    daemon.stop();
                    return ExitCodes.OK;
                }
                case Signals.Request.Reload reload -> reload(daemon, log, reload.from());
            }
        }
    }

    /** Reads the table again; a bad one changes nothing, and every problem is logged. */
    private void reload(Daemon daemon, ConnectionLog log, String from) {
        log.note("reload: " + from + " received; reading " + table.file);
        switch (Config.load(table.file)) {
            case Loaded.Bad(var problems) -> {
                problems.forEach(p -> log.warn(p.toString()));
                log.warn("reload: %s has %d problem%s; still serving the table loaded before".formatted(table.file,
                        problems.size(), problems.size() == 1 ? "" : "s"));
            }
            case Loaded.Ok(var next) -> daemon.reload(next);
        }
    }
}
