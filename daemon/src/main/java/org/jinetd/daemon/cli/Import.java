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
import org.jinetd.daemon.convert.Form;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class Import implements Callable<Integer> {
    /** How a problem of a table written to standard output names its file. */
    private static final Path STDOUT = Path.of("(standard output)");

    final CommandSpec spec = Commands.of(this, "import", "Convert an xinetd.conf or an inetd.conf into a jinetd table.",
            "Reads xinetd's format (defaults, include, includedir and service blocks) or inetd's (a service a line), "
                    + "and writes a table that admits the clients the old one admitted, with a comment on every "
                    + "setting that has no counterpart. Then checks it as 'jinetd check' does, and prints each problem.",
            "Where OUT goes decides what it holds. A file the main table (-c) includes gets services alone, the "
                    + "old daemon's defaults written into each, and is checked with the main table, which keeps its "
                    + "own keys: 'jinetd import /etc/xinetd.conf -o /etc/jinetd/conf.d/xinetd.yaml' is all it takes. "
                    + "Any other OUT, and standard output, get a table of its own, defaults and services. OUT may not "
                    + "be the main table itself (its include: and plugins: would be lost) unless --replace is given.");
    private final PositionalParamSpec fileParameter = Commands.positional(spec, "FILE", Path.class, "1",
            "/etc/xinetd.conf, a file of /etc/xinetd.d, or /etc/inetd.conf.");
    private final OptionSpec outputOption = Commands.pathOption(spec, "OUT", null, "Write the table here (default: "
            + "standard output); a file the main table includes gets its services alone.", "-o", "--output");
    private final TableOption tableOption = new TableOption(spec,
            "The main table, whose include: decides what OUT holds (default: ${DEFAULT-VALUE}).");
    private final OptionSpec replaceOption = Commands.flag(spec,
            "Let OUT be the main table itself, replaced by the imported one.", "--replace");

    @Override
    public Integer call() {
        Path file = fileParameter.getValue();
        var output = Commands.path(outputOption);
        var table = tableOption.file();
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var main = output == null ? java.util.Optional.<MainTable>empty() : MainTable.read(table);
        if (main.isPresent() && main.get().is(output) && !Commands.given(replaceOption)) {
            err.println("jinetd: " + output + " is the main table, and import would replace it" + lost(main.get())
                    + ": " + instead(main.get(), file) + ", or add --replace to overwrite it");
            err.flush();
            return ExitCodes.USAGE;
        }
        var included = main.filter(m -> m.includes(output));
        Form form = included.<Form>map(m -> new Form.Included(m.file(), m.defaults(), m.taken(output)))
                .orElse(new Form.Table());
        List<Problem> problems;
        try {
            var yaml = Converter.convert(file, form);
            if (output == null) {
                out.print(yaml);
                out.flush();
                problems = checkPrinted(yaml);
            } else {
                Files.writeString(output, yaml);
                problems = check(included.map(MainTable::file).orElse(output));
                out.println(included.isPresent()
                        ? "jinetd: wrote %s, services that %s includes".formatted(output, table)
                        : "jinetd: wrote %s, a table of its own".formatted(output));
                out.flush();
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
        var which = included.isPresent() ? "the main table " + table + ", with it," : "the imported table";
        err.println("jinetd: %s fails 'jinetd check' with %d problem%s: fix %s before serving it".formatted(which,
                problems.size(), problems.size() == 1 ? "" : "s", problems.size() == 1 ? "it" : "them"));
        err.flush();
        return ExitCodes.BAD_TABLE;
    }

    /** What the main table holds that a table of the import's own would not. */
    private static String lost(MainTable main) {
        var kept = main.keys().stream().filter(k -> k.equals("include") || k.equals("plugins")).toList();
        var parts = new java.util.ArrayList<String>();
        kept.forEach(k -> parts.add(k + ":"));
        if (!main.services().isEmpty()) {
            parts.add(main.services().size() + " service" + (main.services().size() == 1 ? "" : "s"));
        }
        return parts.isEmpty() ? "" : " (losing its " + String.join(", ", parts) + ")";
    }

    /** Where the import of {@code file} should go instead: a file the main table includes, or one to include. */
    private static String instead(MainTable main, Path file) {
        var name = file.getFileName().toString().startsWith("inetd") ? "inetd" : "xinetd";
        return main.place(name).map(p -> "write to " + p + ", which it includes")
                .orElse("write to another file and add it to the main table's include:");
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
