package org.jinetd.daemon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes the bash completion script and the man page jinetd(8) from the command line's own
 * model, so that both always match the code. The build runs it; it is no subcommand.
 */
public final class Docs {
    private Docs() {}

    /** {@code Docs OUTDIR}: writes OUTDIR/completion/jinetd and OUTDIR/man/jinetd.8. */
    public static void main(String[] args) throws IOException {
        var out = Path.of(args[0]);
        var line = Jinetd.commandLine();
        Files.createDirectories(out.resolve("completion"));
        Files.writeString(out.resolve("completion/jinetd"), completion(line));
        Files.createDirectories(out.resolve("man"));
        Files.writeString(out.resolve("man/jinetd.8"), manPage(line));
    }

    /**
     * picocli's script, with the service names of the table (the one after -c, else the
     * default) offered after {@code status}, as {@code jinetd list} prints them, and the
     * commands after {@code help} (picocli offers them for its own help command alone).
     */
    static String completion(CommandLine line) {
        var commands = String.join(" ", line.getSubcommands().keySet().stream().filter(name -> !name.equals("help"))
                .toList());
        var script = extended(AutoComplete.bash("jinetd", line), "help", "local commands=\"\"",
                "local commands=\"" + commands + "\"");
        return extended(script, "status", "local positionals=\"\"", "local positionals=$(_jinetd_services)")
                + """

                # The names of the services of the table named after -c/--config, else of the default.
                function _jinetd_services() {
                  local i table=()
                  for (( i = 1; i < COMP_CWORD; i++ )); do
                    case ${COMP_WORDS[i]} in
                      -c|--config) table=(-c "${COMP_WORDS[i+1]}") ;;
                    esac
                  done
                  "${COMP_WORDS[0]}" list "${table[@]}" 2>/dev/null | awk 'NR > 1 { print $1 }'
                }
                """;
    }

    /** {@code script} with {@code line} replaced in the function of {@code command}, where picocli leaves it empty. */
    private static String extended(String script, String command, String line, String replacement) {
        var function = script.indexOf("function _picocli_jinetd_" + command + "()");
        var at = function < 0 ? -1 : script.indexOf(line, function);
        if (at < 0) {
            throw new IllegalStateException("picocli's completion script has no " + command + " function to extend");
        }
        return script.substring(0, at) + replacement + script.substring(at + line.length());
    }

    static String manPage(CommandLine line) {
        var root = line.getCommandSpec();
        var version = new Version().getVersion()[0].replace("jinetd ", "");
        var man = new StringBuilder();
        man.append(".TH JINETD 8 \"\" \"jinetd ").append(escape(version)).append("\" \"System Administration\"\n");
        man.append(".SH NAME\njinetd \\- ").append(escape(lower(root.usageMessage().header()[0]))).append('\n');
        man.append(".SH SYNOPSIS\n");
        for (var sub : subcommands(root)) {
            man.append(escape(synopsis(sub))).append("\n.br\n");
        }
        man.append(".SH DESCRIPTION\n").append(escape(String.join(" ", root.usageMessage().header()))).append('\n');
        man.append(".PP\nThe service table is YAML; the default is \\fI/etc/jinetd/services.yaml\\fR. "
                + "Its keys are described in \\fBjinetd.yaml\\fR(5); the handler API, the operations and security in the README "
                + "and its pages (\\fI/usr/share/doc/jinetd/README.md.gz\\fR and \\fI/usr/share/doc/jinetd/docs/\\fR "
                + "where the package is installed).\n");
        man.append(".SH COMMANDS\n");
        for (var sub : subcommands(root)) {
            man.append(".TP\n.B ").append(sub.name()).append('\n');
            man.append(escape(String.join(" ", sub.usageMessage().header()))).append('\n');
            for (var d : sub.usageMessage().description()) {
                man.append(".br\n").append(escape(d)).append('\n');
            }
            for (var option : sub.options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                man.append(".RS\n.TP\n.B ").append(escape(String.join(", ", option.names())));
                if (option.arity().max() > 0) {
                    man.append(" \\fI").append(escape(option.paramLabel())).append("\\fR");
                }
                man.append('\n').append(escape(String.join(" ", option.description())
                        .replace("${DEFAULT-VALUE}", String.valueOf(option.defaultValue())))).append("\n.RE\n");
            }
            man.append(".RS\n.PP\nExit codes:\n");
            for (var code : sub.usageMessage().exitCodeList().entrySet()) {
                man.append(".TP\n.B ").append(code.getKey().strip()).append('\n').append(escape(code.getValue())).append('\n');
            }
            man.append(".RE\n");
        }
        man.append(".SH EXIT STATUS\n");
        for (var code : root.usageMessage().exitCodeList().entrySet()) {
            man.append(".TP\n.B ").append(code.getKey().strip()).append('\n').append(escape(code.getValue())).append('\n');
        }
        man.append(".SH SIGNALS\n.TP\n.B SIGTERM, SIGINT\nStop listening, drain within shutdown_grace, end the rest, exit 0.\n"
                + ".TP\n.B SIGHUP\nRead the table again; a bad one changes nothing.\n");
        man.append(".SH ENVIRONMENT\n.TP\n.B JINETD_JAVA_OPTS\nJVM flags added after the launcher's own, "
                + "which they override. The launcher gives the JVM its quick compiler alone, and both compilers to "
                + "\\fBrun\\fR on a table that names \\fBtls:\\fR (TLS handshakes need the optimising one); "
                + "\\fB-XX:TieredStopAtLevel=1\\fR or \\fB=4\\fR here decides instead.\n"
                + ".TP\n.B JINETD_SPAWNER_JAVA_OPTS\nThe same, in the daemon's environment, for the JVMs of its spawners "
                + "(the programs of other users).\n"
                + ".TP\n.B JINETD_LOG_LEVEL\n\\fBwarn\\fR logs, of the per-connection lines, only those of "
                + "connections that failed or were refused; the daemon's own lines are always written.\n"
                + ".TP\n.B JAVA_HOME, JINETD_JDK_DIRS\nWhere the launcher looks for a Java 25 or later when the "
                + "distribution has no runtime of its own: \\fB$JAVA_HOME\\fR, then \\fBjava\\fR on the PATH, then "
                + "the JDKs in these folders (default: /usr/lib/jvm /opt/java /usr/local/java /opt).\n");
        man.append(".SH FILES\n.TP\n.I /etc/jinetd/services.yaml\nThe service table.\n"
                + ".TP\n.I /run/jinetd/control.sock\nThe control socket of a daemon run as root or by systemd.\n");
        man.append(".SH SEE ALSO\n.BR jinetd.yaml (5),\n.BR xinetd (8),\n.BR inetd (8),\n.BR systemd.socket (5),\n.BR sd_notify (3)\n");
        return man.toString();
    }

    private static List<CommandSpec> subcommands(CommandSpec root) {
        return root.subcommands().values().stream().map(CommandLine::getCommandSpec)
                .filter(s -> !s.name().equals("help")).distinct().toList();
    }

    private static String synopsis(CommandSpec spec) {
        return spec.commandLine().getHelp().synopsis(0).strip().replaceAll("\\s+", " ");
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }

    /** roff: a backslash doubled, a leading dot or quote guarded. */
    private static String escape(String text) {
        var out = text.replace("\\", "\\\\").replace("-", "\\-");
        return out.startsWith(".") || out.startsWith("'") ? "\\&" + out : out;
    }
}
