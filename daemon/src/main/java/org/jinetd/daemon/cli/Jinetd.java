package org.jinetd.daemon.cli;

import org.jinetd.daemon.log.LogOutput;
import org.jinetd.daemon.os.AppendFile;
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

    /**
     * The command line of a test in this JVM: its log provider writes where it was set up to,
     * and {@code run} moves only an output of its own.
     */
    static CommandLine commandLine() {
        return commandLine(new LogOutput(System.err, false, LogOutput.journalSocket(), LogOutput.syslogSocket(),
                AppendFile.ANY));
    }

    /** @param log where {@code run} sends the log once the table is read */
    static CommandLine commandLine(LogOutput log) {
        var line = new CommandLine(new Jinetd(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == Run.class ? type.cast(new Run(log)) : CommandLine.defaultFactory().create(type);
            }
        });
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("jinetd: internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            return ExitCodes.SOFTWARE;
        });
        return line;
    }
}
