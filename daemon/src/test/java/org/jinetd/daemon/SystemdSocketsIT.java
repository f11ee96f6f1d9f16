package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Listening sockets passed in by systemd (LISTEN_FDS), as systemd-socket-activate passes them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SystemdSocketsIT {
    private static final Path ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");

    @Test
    void servesTheSocketsSystemdPassesMatchedByAddress() throws Exception {
        assumeTrue(Files.isExecutable(ACTIVATE), "systemd-socket-activate is not installed (.ci/run installs systemd)");
        int echo = TestDaemon.freePort();
        int daytime = TestDaemon.freePort();
        int unused = TestDaemon.freePort();
        var table = TestDaemon.write("""
                control_socket: none
                services:
                  echo: {bind: 127.0.0.1, port: %d, handler: echo}
                  daytime: {bind: 127.0.0.1, port: %d, handler: daytime}
                """.formatted(echo, daytime));
        // systemd-socket-activate binds the first two itself: jinetd could not bind them again.
        try (var jinetd = Launched.under(List.of(ACTIVATE.toString(), "-l", "127.0.0.1:" + echo,
                "-l", "127.0.0.1:" + unused, "-E", "JAVA_HOME=" + System.getProperty("java.home")), Map.of(),
                "run", "-c", table.toString())) {
            jinetd.awaitErr("Listening on 127.0.0.1:" + unused);
            // systemd-socket-activate starts its program when the first client comes.
            assertEquals("passed", Clients.exchange(echo, "passed"));
            jinetd.awaitErr("ready: 2 services listening");
            assertTrue(jinetd.err().contains("systemd passed a socket on /127.0.0.1:" + unused
                    + " that no service listens on"), jinetd.err());
            assertTrue(Clients.exchange(daytime, "").endsWith("\r\n"));
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
        }
    }
}
