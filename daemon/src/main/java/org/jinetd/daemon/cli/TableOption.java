package org.jinetd.daemon.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code -c FILE} option every command that reads the table takes. */
final class TableOption {
    static final String DEFAULT = "/etc/jinetd/services.yaml";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = DEFAULT,
            description = "The service table (default: ${DEFAULT-VALUE}).")
    Path file;
}
