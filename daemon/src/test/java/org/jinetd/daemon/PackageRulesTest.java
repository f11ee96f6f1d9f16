package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Imports run one way, down the way of a connection: cli, the supervisor, listen, policy
 * and launch, tls, log, then config and os at the bottom; control sits beside and asks the
 * supervisor. A file that reaches up or sideways fails here, with its name.
 */
class PackageRulesTest {
    private static final Path SOURCES = Path.of("src/main/java/org/jinetd/daemon");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.jinetd\\.(handler|daemon(?:\\.([a-z]+))?)\\.[A-Z]");
    /** The root package, {@code org.jinetd.daemon}: the daemon and its supervisor. */
    private static final String ROOT = "(daemon)";
    private static final String API = "(handler API)";

    /** What each package may not use. */
    private static final Map<String, Set<String>> FORBIDDEN = Map.ofEntries(
            Map.entry("proxy", Set.of(API, "config", "log", "os", "client", "tls", "policy", "launch", "listen",
                    "control", "cli", "convert", ROOT)),
            Map.entry("client", Set.of(API, "log", "tls", "policy", "launch", "listen", "control", "cli", "convert",
                    ROOT)),
            Map.entry("os", Set.of(API, "config", "log", "client", "proxy", "tls", "policy", "launch", "listen",
                    "control", "cli", "convert", ROOT)),
            Map.entry("log", Set.of(API, "config", "client", "proxy", "tls", "policy", "launch", "listen", "control",
                    "cli", "convert", ROOT)),
            Map.entry("config", Set.of("log", "client", "proxy", "tls", "policy", "launch", "listen", "control", "cli",
                    "convert", ROOT)),
            Map.entry("tls", Set.of(API, "client", "proxy", "policy", "launch", "listen", "control", "cli", "convert",
                    ROOT)),
            Map.entry("policy", Set.of("launch", "listen", "control", "cli", "convert", ROOT)),
            Map.entry("launch", Set.of("listen", "control", "cli", "convert", ROOT)),
            Map.entry("listen", Set.of("control", "cli", "convert", ROOT)),
            Map.entry("control", Set.of("listen", "launch", "policy", "cli", "convert")),
            Map.entry("convert", Set.of("log", "policy", "launch", "listen", "control", "cli", "tls", ROOT)),
            Map.entry(ROOT, Set.of("cli", "convert")));

    @Test
    void noPackageReachesUpOrSideways() throws IOException {
        var wrong = new ArrayList<String>();
        List<Path> files;
        try (var all = Files.walk(SOURCES)) {
            files = all.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 50, "the sources were not found under " + SOURCES.toAbsolutePath());
        for (var file : files) {
            var relative = SOURCES.relativize(file);
            var from = relative.getNameCount() == 1 ? ROOT : relative.getName(0).toString();
            var matcher = REFERENCE.matcher(Files.readString(file));
            while (matcher.find()) {
                var to = matcher.group(1).equals("handler") ? API : matcher.group(2) == null ? ROOT : matcher.group(2);
                if (FORBIDDEN.getOrDefault(from, Set.of()).contains(to)) {
                    wrong.add("%s uses %s".formatted(relative, to));
                }
            }
        }
        assertEquals(List.of(), wrong.stream().distinct().toList());
    }
}
