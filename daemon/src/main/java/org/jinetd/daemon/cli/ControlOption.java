package org.jinetd.daemon.cli;

import java.nio.file.Path;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.ServiceTable;
import picocli.CommandLine.Option;

/** Where the commands that talk to a running daemon find it. */
final class ControlOption {
    @Option(names = "--socket", paramLabel = "PATH",
            description = "The daemon's control socket (default: control_socket of the table, else the default path).")
    Path socket;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = TableOption.DEFAULT,
            description = "The table the daemon runs, read for its control_socket (default: ${DEFAULT-VALUE}).")
    Path file;

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
    private static java.util.Optional<Path> written(Path file) {
        try {
            var value = new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(file.toFile()).path("control_socket");
            return value.isTextual() && value.asText().startsWith("/")
                    ? java.util.Optional.of(Path.of(value.asText())) : java.util.Optional.empty();
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
