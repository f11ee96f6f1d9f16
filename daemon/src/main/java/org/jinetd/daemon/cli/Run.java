package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import org.jinetd.daemon.Supervisor;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Plugins;
import org.jinetd.daemon.control.Signals;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.LogOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Serve the table in the foreground until SIGTERM or SIGINT.",
        description = "Checks the table, binds every service (all or none), logs one 'ready' line, then serves. "
                + "SIGHUP (or 'jinetd reload') reads the table again. On SIGTERM/SIGINT (or 'jinetd stop') it stops "
                + "listening, lets live connections finish within shutdown_grace, ends the rest and exits 0.")
final class Run implements Callable<Integer> {
    private final LogOutput output;

    @Spec
    CommandSpec spec;

    @Mixin
    TableOption table;

    /** @param output where the log goes, moved to the table's {@code log:} once it is read */
    Run(LogOutput output) {
        this.output = output;
    }

    @Override
    public Integer call() throws InterruptedException {
        var err = spec.commandLine().getErr();
        var supervisor = new Supervisor(Config.forThisHost(new Plugins())::read, table.file, new ConnectionLog(),
                new Signals().install(), output);
        return switch (supervisor.run()) {
            case Supervisor.Outcome.Stopped _ -> ExitCodes.OK;
            case Supervisor.Outcome.CannotStart _ -> ExitCodes.CANNOT_START;
            case Supervisor.Outcome.BadTable(var problems) -> {
                problems.forEach(err::println);
                err.println("jinetd: %s has %d problem%s; not starting".formatted(table.file, problems.size(),
                        problems.size() == 1 ? "" : "s"));
                err.flush();
                yield ExitCodes.BAD_TABLE;
            }
        };
    }
}
