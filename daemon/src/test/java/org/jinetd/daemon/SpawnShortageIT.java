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
            assertEquals(1, count(jinetd.err(), "held/tcp: spawn: posix_spawn: Resource temporarily unavailable"),
                    "one line for the stretch of failures, not one per client:\n" + jinetd.err());
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
        }
    }

    private static int count(String text, String phrase) {
        return text.split(java.util.regex.Pattern.quote(phrase), -1).length - 1;
    }

}
