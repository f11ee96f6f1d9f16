package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spawns that fail for want of processes (EAGAIN, under RLIMIT_NPROC): the listener backs
 * off and says so once, serves other services meanwhile, and recovers by itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpawnShortageIT {
    /** A uid that no account has, so that no other process counts against its limit. */
    private static final int UID = 64_123;

    @Test
    void failedSpawnsBackOffOnceAndRecover() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "needs root to start the daemon as another user");
        int held = TestDaemon.freePort();
        int daytime = TestDaemon.freePort();
        var table = TestDaemon.write("""
                services:
                  held: {bind: 127.0.0.1, port: %d, instances: unlimited, exec: [/bin/sh, -c, 'echo ok; exec sleep 4']}
                  daytime: {bind: 127.0.0.1, port: %d, handler: daytime}
                """.formatted(held, daytime));
        Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("rw-r--r--"));
        // A uid of its own may have 60 tasks: the JVM's threads and a few dozen children. Not
        // nobody: RLIMIT_NPROC counts every process of the user, and other programs run as nobody.
        try (var jinetd = Launched.under(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups",
                "prlimit", "--nproc=60:60"), Map.of(), "run", "-c", table.toString())) {
            jinetd.awaitErr("ready:");
            var clients = new ArrayList<Socket>();
            try {
                for (int i = 0; i < 80; i++) {
                    clients.add(Clients.connect(held));
                }
                jinetd.awaitErr("held/tcp: spawn: posix_spawn: Resource temporarily unavailable; backing off until it passes");
                assertTrue(Clients.exchange(daytime, "").endsWith("\r\n"), "another service answers meanwhile");
            } finally {
                for (var client : clients) {
                    client.close();
                }
            }
            // The sleeps end, processes are free again: the service spawns again by itself.
            assertEquals("ok\n", Clients.untilAnswered(() -> Clients.exchange(held, "")));
            jinetd.awaitErr("held/tcp: working again after");
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            // The clients left in the queue spawn against the limit again as the first sleeps
            // end, so there may be more than one stretch: each says so once, and once it is over.
            int closed = 0;
            int failures = 0;
            boolean failing = false;
            for (var line : jinetd.err().lines().toList()) {
                if (line.contains("held/tcp: spawn: posix_spawn: Resource temporarily unavailable")) {
                    assertTrue(!failing, "a second line within one stretch:\n" + jinetd.err());
                    failing = true;
                }
                var over = java.util.regex.Pattern.compile("held/tcp: working again after [0-9.]+s and ([0-9]+) failures?")
                        .matcher(line);
                if (over.find()) {
                    assertTrue(failing, "working again without a stretch:\n" + jinetd.err());
                    failing = false;
                    closed++;
                    failures += Integer.parseInt(over.group(1));
                }
            }
            // The last stretch may be cut by the stop before its closing line: the closed ones count.
            assertTrue(closed >= 1 && failures > closed,
                    "one line for each stretch of failures, not one per client:\n" + jinetd.err());
        }
    }

}
