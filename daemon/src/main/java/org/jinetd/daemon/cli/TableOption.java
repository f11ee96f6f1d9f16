package org.jinetd.daemon.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code -c FILE} option every command that reads the table takes. */
final class TableOption {
    static final String DEFAULT = "/etc/jinetd/services.yaml";

    private final OptionSpec option;

    /** Adds {@code -c, --config FILE} to {@code spec}. */
    TableOption(CommandSpec spec) {
        this(spec, "The service table (default: ${DEFAULT-VALUE}).");
    }

    TableOption(CommandSpec spec, String description) {
        this.option = Commands.pathOption(spec, "FILE", DEFAULT, description, "-c", "--config");
    }

    /** The table the command line named, else the default. */
    Path file() {
        return Commands.path(option);
    }
}
