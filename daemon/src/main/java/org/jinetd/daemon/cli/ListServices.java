package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
        header = "Show the services of a table: name, protocol, address, launch.")
final class ListServices implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TableOption table;

    @Override
    public Integer call() {
        return switch (Config.load(table.file)) {
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
