package org.jinetd.daemon.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jinetd.daemon.log.LogOutput;
import org.jinetd.daemon.os.AppendFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "jinetd", mixinStandardHelpOptions = true, versionProvider = Version.class,
        header = "An inetd-style super-server: one table of services, a listener each, servers run per connection.")
final class Jinetd implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * The subcommands, in the order of the usage message.
     *
     * @param log where {@code run} sends the log once the table is read
     */
    private static Map<String, Supplier<Object>> subcommands(LogOutput log) {
        var all = new LinkedHashMap<String, Supplier<Object>>();
        all.put("run", () -> new Run(log));
        all.put("check", Check::new);
        all.put("list", ListServices::new);
        all.put("status", Status::new);
        all.put("reload", Reload::new);
        all.put("stop", Stop::new);
        all.put("import", Import::new);
        all.put("help", CommandLine.HelpCommand::new);
        return all;
    }

    /** The whole command, every subcommand included (for help, usage and the man page). */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command of a test in this JVM: its log provider writes where it was set up to, and
     * {@code run} moves only an output of its own.
     */
    static CommandLine commandLine(String[] args) {
        return commandLine(args, new LogOutput(System.err, false, LogOutput.journalSocket(), LogOutput.syslogSocket(),
                AppendFile.ANY));
    }

    /**
     * The command that {@code args} need: when they name a subcommand, that one alone. picocli
     * reads each subcommand's annotations and builds its converters when it is added, which
     * is most of the time a short command such as {@code check} or {@code status} takes.
     */
    static CommandLine commandLine(String[] args, LogOutput log) {
        var line = new CommandLine(new Jinetd());
        var subcommands = subcommands(log);
        var named = args.length > 0 && !args[0].equals("help") ? subcommands.get(args[0]) : null;
        if (named != null) {
            line.addSubcommand(named.get());
        } else {
            subcommands.values().forEach(command -> line.addSubcommand(command.get()));
        }
        exitCodes(line.getCommandSpec(), ExitCodes.all());
        line.getSubcommands().forEach((name, sub) -> exitCodes(sub.getCommandSpec(), ExitCodes.of(name)));
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("jinetd: internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            return ExitCodes.SOFTWARE;
        });
        return line;
    }

    /** Each command's help ends with the codes it returns, from the one place that says them. */
    private static void exitCodes(CommandSpec spec, Map<String, String> codes) {
        if (!codes.isEmpty()) {
            spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        }
    }
}
