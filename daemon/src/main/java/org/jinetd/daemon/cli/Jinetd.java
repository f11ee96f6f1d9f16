package org.jinetd.daemon.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jinetd.daemon.log.LogOutput;
import org.jinetd.daemon.os.AppendFile;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/** The command itself; without a subcommand it prints its usage. */
final class Jinetd implements Runnable {
    final CommandSpec spec = Commands.of(this, "jinetd",
            "An inetd-style super-server: one table of services, a listener each, servers run per connection.");

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
        all.put("run", () -> new Run(log).spec);
        all.put("check", () -> new Check().spec);
        all.put("list", () -> new ListServices().spec);
        all.put("status", () -> new Status().spec);
        all.put("reload", () -> new Reload().spec);
        all.put("stop", () -> new Stop().spec);
        all.put("import", () -> new Import().spec);
        all.put("help", () -> new Help().spec);
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
     * The command that {@code args} need: when they name a subcommand, that one alone; none
     * for the version alone. Each subcommand's model is built, and picocli makes its parser,
     * when it is added: a short command such as {@code status} need not pay for the others.
     */
    static CommandLine commandLine(String[] args, LogOutput log) {
        var line = new CommandLine(new Jinetd().spec);
        var subcommands = subcommands(log);
        var named = args.length > 0 && !args[0].equals("help") ? subcommands.get(args[0]) : null;
        boolean versionAlone = args.length == 1 && (args[0].equals("-V") || args[0].equals("--version"));
        if (named != null) {
            line.addSubcommand(named.get());
        } else if (!versionAlone) {
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
