package org.jinetd.daemon.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "jinetd", mixinStandardHelpOptions = true, versionProvider = Version.class,
        header = "An inetd-style super-server: one table of services, a listener each, servers run per connection.",
        subcommands = {Run.class, Check.class, ListServices.class, Status.class, Reload.class, Stop.class, Import.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the service table has problems (each printed as FILE:LINE:COLUMN)",
            "2:bad command line",
            "3:the daemon could not start (a port could not be bound); for reload: some new service could not",
            "4:no daemon answers on the control socket",
            "77:reload or stop refused: only the daemon's user or root may",
            "70:internal error"})
final class Jinetd implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    static CommandLine commandLine() {
        var line = new CommandLine(new Jinetd());
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("jinetd: internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            return ExitCodes.SOFTWARE;
        });
        return line;
    }
}
