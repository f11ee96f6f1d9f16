package org.jinetd.daemon.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's model of each command, built in code. picocli reads annotations through
 * reflection, and the JVM makes a proxy class for each kind of annotation it returns, at
 * every start (the AOT cache cannot hold them): that was most of the 50 ms picocli took
 * before any command ran.
 */
final class Commands {
    private Commands() {}

    /** The command {@code name}, run as {@code command} (a Runnable or Callable), with -h and -V. */
    static CommandSpec of(Object command, String name, String header, String... description) {
        var spec = CommandSpec.wrapWithoutInspection(command).name(name).versionProvider(new Version());
        spec.usageMessage().header(header).description(description);
        usageHelp(spec, "Show this help message and exit.");
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec;
    }

    /** Adds {@code -h, --help} to {@code spec}: its usage, and nothing run. */
    static void usageHelp(CommandSpec spec, String description) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description(description).build());
    }

    /** An option that takes a path, added to {@code spec}; its value is read with {@link #path}. */
    static OptionSpec pathOption(CommandSpec spec, String label, String defaultValue, String description,
                                 String... names) {
        var option = OptionSpec.builder(names).paramLabel(label).type(Path.class).defaultValue(defaultValue)
                .description(description).build();
        spec.addOption(option);
        return option;
    }

    /** An option that takes nothing, added to {@code spec}; whether it was given is read with {@link #given}. */
    static OptionSpec flag(CommandSpec spec, String description, String... names) {
        var option = OptionSpec.builder(names).type(boolean.class).arity("0").description(description).build();
        spec.addOption(option);
        return option;
    }

    /**
     * A positional parameter of {@code type} and {@code arity}, added to {@code spec}; required
     * where the arity's least is above 0 (picocli's model, unlike its annotations, does not
     * infer it).
     */
    static PositionalParamSpec positional(CommandSpec spec, String label, Class<?> type, String arity,
                                          String description) {
        var parameter = PositionalParamSpec.builder().paramLabel(label).type(type).arity(arity)
                .required(CommandLine.Range.valueOf(arity).min() > 0).description(description).build();
        spec.addPositional(parameter);
        return parameter;
    }

    static Path path(OptionSpec option) {
        return option.getValue();
    }

    static boolean given(OptionSpec option) {
        return Boolean.TRUE.equals(option.getValue());
    }
}
