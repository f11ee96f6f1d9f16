package org.jinetd.daemon.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The programs jinetd puts between itself and a program when a key asks for it: util-linux
 * {@code setpriv} (user), {@code prlimit} (rlimits), {@code setsid} (a session), coreutils {@code nice}
 * and {@code env} (the program's environment, set after the switch of user). Found once.
 */
public final class Tools {
    public static final Optional<String> SETPRIV = find("setpriv");
    public static final Optional<String> PRLIMIT = find("prlimit");
    public static final Optional<String> NICE = find("nice");
    public static final Optional<String> SETSID = find("setsid");
    public static final Optional<String> ENV = find("env");

    private Tools() {}

    private static Optional<String> find(String name) {
        return Stream.of("/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/").map(dir -> dir + name)
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst();
    }
}
