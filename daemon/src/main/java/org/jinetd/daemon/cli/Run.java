package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import org.jinetd.daemon.Supervisor;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Plugins;
import org.jinetd.daemon.control.Signals;
import org.jinetd.daemon.launch.Spawner;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.LogOutput;
import picocli.CommandLine.Model.CommandSpec;

final class Run implements Callable<Integer> {
    final CommandSpec spec = Commands.of(this, "run", "Serve the table in the foreground until SIGTERM or SIGINT.",
            "Checks the table, binds every service (all or none), logs one 'ready' line, then serves. "
                    + "SIGHUP (or 'jinetd reload') reads the table again. On SIGTERM/SIGINT (or 'jinetd stop') it stops "
                    + "listening, lets live connections finish within shutdown_grace, ends the rest and exits 0.");
    private final TableOption table = new TableOption(spec);
    private final LogOutput output;

    /** @param output where the log goes, moved to the table's {@code log:} once it is read */
    Run(LogOutput output) {
        this.output = output;
    }

    @Override
    public Integer call() throws InterruptedException {
        var err = spec.commandLine().getErr();
        // Linking the C calls takes as long as reading the table: on another core it costs the
        // start nothing. Whichever thread reaches a call first links it; the other waits.
        Thread.ofPlatform().name("link").daemon().start(Spawner::link);
        var supervisor = new Supervisor(Config.forThisHost(new Plugins())::read, table.file(), new ConnectionLog(),
                new Signals().install(), output);
        return switch (supervisor.run()) {
            case Supervisor.Outcome.Stopped _ -> ExitCodes.OK;
            case Supervisor.Outcome.CannotStart _ -> ExitCodes.CANNOT_START;
            case Supervisor.Outcome.BadTable(var problems) -> {
                problems.forEach(err::println);
                err.println("jinetd: %s has %d problem%s; not starting".formatted(table.file(), problems.size(),
                        problems.size() == 1 ? "" : "s"));
                err.flush();
                yield ExitCodes.BAD_TABLE;
            }
        };
    }
}
