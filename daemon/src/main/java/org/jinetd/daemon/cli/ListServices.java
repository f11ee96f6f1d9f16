package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import picocli.CommandLine.Model.CommandSpec;

final class ListServices implements Callable<Integer> {
    final CommandSpec spec = Commands.of(this, "list", "Show the services of a table: name, protocol, address, launch.");
    private final TableOption table = new TableOption(spec);

    @Override
    public Integer call() {
        return switch (Config.load(table.file())) {
            case Loaded.Bad(var problems) -> {
                problems.forEach(spec.commandLine().getErr()::println);
                spec.commandLine().getErr().flush();
                yield ExitCodes.BAD_TABLE;
            }
            case Loaded.Ok(var t) -> {
                ServiceRows.print(t.services(), spec.commandLine().getOut());
                yield ExitCodes.OK;
            }
        };
    }
}
