package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ManPageTest {
    /**
     * Every variable the launcher reads, and every one the daemon's own code asks for, is in
     * jinetd(8)'s ENVIRONMENT: an administrator reads the manual, not the script.
     */
    @Test
    void theEnvironmentSectionNamesEveryVariableTheLauncherAndTheDaemonRead() throws Exception {
        var man = Docs.manPage(Jinetd.commandLine());
        int from = man.indexOf(".SH ENVIRONMENT\n");
        assertTrue(from >= 0, man);
        var section = man.substring(from, man.indexOf("\n.SH ", from + 1));
        var read = new TreeSet<String>();
        var launcher = Files.readString(Path.of("src/dist/bin/jinetd"));
        Pattern.compile("\\$\\{(JAVA_HOME|JINETD_[A-Z_]+)").matcher(launcher).results().forEach(m -> read.add(m.group(1)));
        try (var sources = Files.walk(Path.of("src/main/java"))) {
            for (var file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Pattern.compile("(?:getenv|getOrDefault)\\(\"(JINETD_[A-Z_]+)\"").matcher(Files.readString(file))
                        .results().forEach(m -> read.add(m.group(1)));
            }
        }
        assertFalse(read.isEmpty());
        for (var name : read) {
            assertTrue(section.contains(name), name + " is read but not in jinetd(8)'s ENVIRONMENT:\n" + section);
        }
    }
}
