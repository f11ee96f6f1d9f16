package org.jinetd.daemon.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** util-linux {@code setpriv}, which runs a program as another user; found once. */
public final class Setpriv {
    /** Its absolute path, or empty where it is not installed. */
    public static final Optional<String> PATH = Stream.of("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv")
            .filter(p -> Files.isExecutable(Path.of(p))).findFirst();

    private Setpriv() {}
}
