package org.jinetd.daemon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.Problem;
import org.jinetd.daemon.convert.Converter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        header = "Convert an xinetd.conf or an inetd.conf into a jinetd table.",
        description = "Reads xinetd's format (defaults, include, includedir and service blocks) or inetd's (a service "
                + "a line), and writes a table that admits the clients the old one admitted, with a comment on every "
                + "setting that has no counterpart. Then checks the table as 'jinetd check' does, and prints each "
                + "problem.")
final class Import implements Callable<Integer> {
    /** How a problem of a table written to standard output names its file. */
    private static final Path STDOUT = Path.of("(standard output)");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "/etc/xinetd.conf, a file of /etc/xinetd.d, or /etc/inetd.conf.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write the table here (default: standard output).")
    Path output;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        List<Problem> problems;
        try {
            var yaml = Converter.convert(file);
            if (output == null) {
                spec.commandLine().getOut().print(yaml);
                spec.commandLine().getOut().flush();
                problems = checkPrinted(yaml);
            } else {
                Files.writeString(output, yaml);
                problems = check(output);
            }
        } catch (IOException e) {
            err.println("jinetd: cannot import " + file + ": " + e.getMessage());
            err.flush();
            return ExitCodes.BAD_TABLE;
        }
        if (problems.isEmpty()) {
            return ExitCodes.OK;
        }
        problems.forEach(err::println);
        err.println("jinetd: the imported table fails 'jinetd check' with %d problem%s: fix %s before serving it"
                .formatted(problems.size(), problems.size() == 1 ? "" : "s", problems.size() == 1 ? "it" : "them"));
        err.flush();
        return ExitCodes.BAD_TABLE;
    }

    private static List<Problem> check(Path table) {
        return switch (Config.load(table)) {
            case Loaded.Ok _ -> List.of();
            case Loaded.Bad(var problems) -> problems;
        };
    }

    /** The table went to standard output: it is checked from a private copy, and its problems name stdout. */
    private static List<Problem> checkPrinted(String yaml) throws IOException {
        var dir = Files.createTempDirectory("jinetd-import");
        var table = dir.resolve("services.yaml");
        try {
            Files.writeString(table, yaml);
            return check(table).stream()
                    .map(p -> p.file().equals(table) ? new Problem(STDOUT, p.line(), p.col(), p.what(), p.expected()) : p)
                    .toList();
        } finally {
            Files.deleteIfExists(table);
            Files.delete(dir);
        }
    }
}
