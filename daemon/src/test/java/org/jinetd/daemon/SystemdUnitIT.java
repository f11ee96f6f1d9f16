package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd/jinetd.service, pointed at the built launcher, passes systemd-analyze verify without a word.
 * Its man pages are installed with the package only, so they are not looked up here; the package's
 * test verifies the installed unit with them.
 */
class SystemdUnitIT {
    @TempDir
    Path dir;

    @Test
    void theUnitVerifiesCleanly() throws Exception {
        var analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed (.ci/run installs systemd)");
        var unit = dir.resolve("jinetd.service");
        Files.writeString(unit, Files.readString(Path.of("..", "systemd", "jinetd.service"))
                .replace("/usr/bin/jinetd", Launched.LAUNCHER.toString()));
        var process = new ProcessBuilder(analyze.toString(), "verify", "--man=no", unit.toString()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        process.waitFor(60, TimeUnit.SECONDS);
        assertEquals("", output);
        assertEquals(0, process.exitValue());
    }
}
