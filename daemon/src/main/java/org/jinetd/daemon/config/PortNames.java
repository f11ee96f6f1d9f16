package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Port names from {@code /etc/services}, as inetd reads them (aliases included). */
final class PortNames {
    private final Path file;

    PortNames(Path file) {
        this.file = file;
    }

    PortNames() {
        this(Path.of("/etc/services"));
    }

    /** The port of {@code name} for {@code transport} ("tcp" or "udp"). */
    OptionalInt port(String name, String transport) {
        try {
            for (var raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                var hash = raw.indexOf('#');
                var fields = (hash < 0 ? raw : raw.substring(0, hash)).trim().split("\\s+");
                if (fields.length < 2) {
                    continue;
                }
                var slash = fields[1].indexOf('/');
                if (slash < 0 || !fields[1].substring(slash + 1).equals(transport)) {
                    continue;
                }
                for (int i = 0; i < fields.length; i++) {
                    if (i != 1 && fields[i].equals(name)) {
                        return OptionalInt.of(Integer.parseInt(fields[1].substring(0, slash)));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.empty();
    }

    Path file() {
        return file;
    }
}
