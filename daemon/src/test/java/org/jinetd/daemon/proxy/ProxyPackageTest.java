package org.jinetd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The codec stands alone: it uses nothing of the daemon's other packages and nothing of the
 * handler API, so that any step of a connection can call it and it can call none of them.
 */
class ProxyPackageTest {
    private static final Path SOURCES = Path.of("src/main/java/org/jinetd/daemon/proxy");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.jinetd\\.[a-z.]*[A-Z]\\w*");

    @Test
    void usesNothingOfTheDaemonOrTheHandlerApi() throws Exception {
        List<Path> files;
        try (var all = Files.list(SOURCES)) {
            files = all.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 5, "the sources were not found under " + SOURCES.toAbsolutePath());
        var wrong = new ArrayList<String>();
        for (var file : files) {
            var matcher = REFERENCE.matcher(Files.readString(file));
            while (matcher.find()) {
                if (!matcher.group().startsWith("org.jinetd.daemon.proxy.")) {
                    wrong.add(file.getFileName() + " uses " + matcher.group());
                }
            }
        }
        assertEquals(List.of(), wrong);
    }
}
