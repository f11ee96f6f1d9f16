package org.jinetd.daemon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.ServiceTable;
import org.jinetd.daemon.control.ControlClient;
import org.jinetd.daemon.control.ControlMessages;
import picocli.CommandLine.Option;

/** Where the commands that talk to a running daemon find it. */
final class ControlOption {
    @Option(names = "--socket", paramLabel = "PATH",
            description = "The daemon's control socket (default: control_socket of the table, else the default path).")
    Path socket;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = TableOption.DEFAULT,
            description = "The table the daemon runs, read for its control_socket (default: ${DEFAULT-VALUE}).")
    Path file;

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

    Path socket() {
        if (socket != null) {
            return socket;
        }
        var root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        return switch (Config.load(file)) {
            case Loaded.Ok(var table) -> table.controlSocket()
                    .orElseGet(() -> ServiceTable.defaultControlSocket(System.getenv(), root));
            // A table with a mistake elsewhere still says where its daemon listens: `reload` must
            // reach that daemon to report the mistake.
            case Loaded.Bad _ -> written(file).orElseGet(() -> ServiceTable.defaultControlSocket(System.getenv(), root));
        };
    }

    /** The table's control_socket as written, read leniently. */
    private static Optional<Path> written(Path file) {
        try {
            var value = new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(file.toFile()).path("control_socket");
            return value.isTextual() && value.asText().startsWith("/")
                    ? Optional.of(Path.of(value.asText())) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
