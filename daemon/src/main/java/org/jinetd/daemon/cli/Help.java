package org.jinetd.daemon.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jinetd help [COMMAND]}: the usage of jinetd, or of one of its commands. It is
 * picocli's {@code HelpCommand}, with the same text, built in code as the other commands are
 * ({@link Commands}): picocli reads its own from annotations, which made the JVM generate
 * annotation proxies at every start that printed usage or a version.
 */
final class Help implements Runnable, CommandLine.IHelpCommandInitializable2 {
    final CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("help").helpCommand(true);
    private final PositionalParamSpec command = PositionalParamSpec.builder().paramLabel("COMMAND").arity("0..1")
            .type(String.class).description("The COMMAND to display the usage help message for.").build();
    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    Help() {
        spec.usageMessage().header("Display help information about the specified command.").synopsisHeading("%nUsage: ")
                .description("%nWhen no COMMAND is given, the usage help for the main command is displayed.",
                        "If a COMMAND is specified, the help for that command is shown.%n");
        spec.addPositional(command);
        Commands.usageHelp(spec, "Show usage help for the help command and exit.");
    }

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out,
                     PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        var parent = self == null ? null : self.getParent();
        if (parent == null) {
            return;
        }
        String name = command.getValue();
        if (name == null) {
            parent.usage(out, colors);
            return;
        }
        var subcommand = parent.getSubcommands().get(name);
        if (subcommand == null) {
            throw new CommandLine.ParameterException(parent, "Unknown subcommand '" + name + "'.", null, name);
        }
        subcommand.usage(out, colors);
    }
}
