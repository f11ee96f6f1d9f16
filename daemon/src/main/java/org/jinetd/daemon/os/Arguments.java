package org.jinetd.daemon.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * This process's command line as the kernel has it, the JVM's flags included, which the JDK
 * gives only through its management classes.
 */
public final class Arguments {
    private Arguments() {}

    /** Each argument, the program first; empty where /proc cannot be read. */
    public static Optional<List<String>> ofThisProcess() {
        try {
            var bytes = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            return Optional.of(List.of(new String(bytes, StandardCharsets.UTF_8).split("\0")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
