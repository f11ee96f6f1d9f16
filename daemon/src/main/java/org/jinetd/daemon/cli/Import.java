package org.jinetd.daemon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jinetd.daemon.convert.Converter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        header = "Convert an xinetd.conf or an inetd.conf into a jinetd table.",
        description = "Reads xinetd's format (defaults, include, includedir and service blocks) or inetd's (a service "
                + "a line), and writes a table with a comment on every setting that has no counterpart. Check the "
                + "result with 'jinetd check'.")
final class Import implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "/etc/xinetd.conf, a file of /etc/xinetd.d, or /etc/inetd.conf.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write the table here (default: standard output).")
    Path output;

    @Override
    public Integer call() {
        try {
            var yaml = Converter.convert(file);
            if (output == null) {
                spec.commandLine().getOut().print(yaml);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(output, yaml);
            }
            return ExitCodes.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("jinetd: cannot import " + file + ": " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.BAD_TABLE;
        }
    }
}
