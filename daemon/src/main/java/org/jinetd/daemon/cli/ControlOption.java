package org.jinetd.daemon.cli;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.jinetd.daemon.config.ServiceTable;
import org.jinetd.daemon.config.SmallFile;
import org.jinetd.daemon.control.ControlClient;
import org.jinetd.daemon.control.ControlMessages;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Where the commands that talk to a running daemon find it. */
final class ControlOption {
    /** More than a table ever needs; a bigger file is not read for its control_socket. */
    static final int MAX_TABLE = SmallFile.TABLE_CAP;
    private static final YAMLFactory YAML = new YAMLFactory();

    private final OptionSpec socket;
    private final TableOption table;

    /** Adds {@code --socket PATH} and {@code -c, --config FILE} to {@code spec}. */
    ControlOption(CommandSpec spec) {
        this.socket = Commands.pathOption(spec, "PATH", null,
                "The daemon's control socket (default: control_socket of the table, else the default path).",
                "--socket");
        this.table = new TableOption(spec,
                "The table the daemon runs, read for its control_socket (default: ${DEFAULT-VALUE}).");
    }

    /** Asks the daemon; empty, with the reason printed on {@code err}, when none answers. */
    Optional<ControlMessages.Reply> ask(String command, String service, PrintWriter err) {
        try {
            return Optional.of(ControlClient.ask(socket(), new ControlMessages.Request(command, service)));
        } catch (IOException e) {
            err.println("jinetd: " + e.getMessage());
            err.flush();
            return Optional.empty();
        }
    }

    /** Asks the daemon to stop and waits for its process to exit; empty, with the reason printed, when none answers. */
    Optional<ControlClient.Stopped> stop(java.time.Duration exitWithin, PrintWriter err) {
        try {
            return Optional.of(ControlClient.stop(socket(), exitWithin));
        } catch (IOException e) {
            err.println("jinetd: " + e.getMessage());
            err.flush();
            return Optional.empty();
        }
    }

    /**
     * The socket to ask: {@code --socket}, else the table's {@code control_socket}, else the
     * default. Only that one key is read, leniently: nothing the table names (plugins,
     * includes, users) is loaded or run by a command that only talks to a daemon.
     */
    Path socket() {
        var given = Commands.path(socket);
        if (given != null) {
            return given;
        }
        var root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        return written(table.file()).orElseGet(() -> ServiceTable.defaultControlSocket(System.getenv(), root));
    }

    /** The table's control_socket as written, if it is an absolute path; read as the table is (regular, bounded, with a deadline). */
    static Optional<Path> written(Path file) {
        byte[] bytes;
        try {
            bytes = SmallFile.read(file, MAX_TABLE);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (!mayName(bytes)) {
            return Optional.empty();
        }
        // The top level's keys alone, with a parser: what lies under the others is skipped unread.
        try (var yaml = YAML.createParser(bytes)) {
            if (yaml.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (yaml.nextToken() == JsonToken.FIELD_NAME) {
                var key = yaml.currentName();
                var value = yaml.nextToken();
                if (key.equals("control_socket")) {
                    return value == JsonToken.VALUE_STRING && yaml.getText().startsWith("/")
                            ? Optional.of(Path.of(yaml.getText())) : Optional.empty();
                }
                yaml.skipChildren();
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code bytes} may hold the key {@code control_socket}; where they cannot, the
     * YAML parser (20 ms of a command's start) is not needed. In a table (UTF-8: the daemon
     * reads no other) a key is its own text, quoted or not, unless it is written with escapes
     * in double quotes. Of YAML's escapes, only a code ({@code \\x}, {@code \\u}, {@code \\U})
     * makes a letter or an underscore, and only an escaped line break joins two pieces of a
     * word; the others ({@code \\n}, {@code \\t}, {@code \\"} and the rest) make characters
     * the key has none of. A table with one of those two kinds is parsed.
     */
    static boolean mayName(byte[] bytes) {
        var text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.contains("control_socket")) {
            return true;
        }
        for (int at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', at + 1)) {
            char next = at + 1 < text.length() ? text.charAt(at + 1) : '\n';
            if (next == 'x' || next == 'u' || next == 'U' || next == '\n' || next == '\r') {
                return true;
            }
        }
        return false;
    }
}
