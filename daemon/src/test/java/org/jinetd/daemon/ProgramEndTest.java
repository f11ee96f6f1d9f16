package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jinetd.daemon.launch.Live;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Root signals only what is still the program's: a program being ended is held unreaped
 * (a zombie keeps its number, and so its group and session) until the last signal to its
 * group has gone, and once it is reaped its number is never signalled again, whether the
 * daemon spawned it or the spawner of its user did.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProgramEndTest {
    /** A program that leaves a helper in its group, which ignores SIGTERM (set before it says ready). */
    private static final String LEAVES_A_HELPER = "exec: [/bin/sh, -c, "
            + "'sh -c \"trap \\\"\\\" TERM; echo ready; exec sleep 600\" & wait']";

    @Test
    void aProgramReapedAfterItsSigtermNeverHasItsNumberSignalledAgain() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "needs root, to give a pid to a process of its own");
        try (var d = TestDaemon.start("services:\n"
                + ProgramStartTest.asBoth("quick", "kill_grace: 2s, exec: [/bin/sh, -c, 'echo ready; exec sleep 600']"))) {
            for (var service : ProgramStartTest.both("quick")) {
                try (var client = Clients.connect(d.port(service))) {
                    assertEquals("ready\n", readLine(client));
                    var entry = live(d, service);
                    int pid = (int) entry.pid().orElseThrow();
                    entry.abort("timeout");
                    var line = d.awaitLog("service=" + service + " peer=");
                    assertTrue(line.contains(" signal=TERM reason=timeout "), line);
                    assertTrue(awaitGone(pid), "pid " + pid + " is reaped once nothing of it is left to signal");
                    // Another process now takes the number, and leads a group and a session of that number.
                    var impostor = takePid(pid);
                    assumeTrue(impostor != null, "pid " + pid + " could not be taken again (others took it first)");
                    try {
                        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                        while (System.nanoTime() < until) {
                            assertTrue(impostor.isAlive(), "the process that took pid " + pid
                                    + " was signalled as the program's group after kill_grace");
                            LockSupport.parkNanos(50_000_000);
                        }
                    } finally {
                        impostor.destroyForcibly();
                        impostor.waitFor();
                    }
                }
            }
        }
    }

    @Test
    void aProgramWhoseHelperIgnoresSigtermIsHeldUnreapedUntilItsSigkill() throws Exception {
        try (var d = TestDaemon.start("services:\n" + ProgramStartTest.asBoth("helped", "kill_grace: 2s, "
                + LEAVES_A_HELPER))) {
            for (var service : ProgramStartTest.both("helped")) {
                try (var client = Clients.connect(d.port(service))) {
                    assertEquals("ready\n", readLine(client));
                    var entry = live(d, service);
                    int pid = (int) entry.pid().orElseThrow();
                    long aborted = System.nanoTime();
                    entry.abort("timeout");
                    // The connection ends with the program, at its SIGTERM, not at the grace.
                    var line = d.awaitLog("service=" + service + " peer=");
                    assertTrue(line.contains(" signal=TERM reason=timeout "), line);
                    assertEquals(-1, client.getInputStream().read(), "the client is cut off");
                    if (System.nanoTime() - aborted < Duration.ofMillis(1500).toNanos()) {
                        // Within the grace: the program is a zombie still, and its helper lives.
                        assertEquals("Z", state(pid), "pid " + pid + " is held unreaped while its group is ended");
                        assertTrue(!TimeoutsTest.group(pid).isEmpty(), "the helper lives until kill_grace");
                    }
                    assertTrue(TimeoutsTest.awaitNoGroup(pid), "the helper got SIGKILL after kill_grace");
                    assertTrue(awaitGone(pid), "pid " + pid + " is reaped after the last signal");
                }
            }
        }
    }

    @Test
    void aStopReturnsOnlyOnceAHelperThatIgnoresSigtermHasHadItsSigkill() throws Exception {
        var d = TestDaemon.start("shutdown_grace: 100ms\nservices:\n" + ProgramStartTest.asBoth("helped",
                "kill_grace: 1s, " + LEAVES_A_HELPER));
        var groups = new java.util.ArrayList<Integer>();
        var clients = new java.util.ArrayList<java.net.Socket>();
        try {
            for (var service : ProgramStartTest.both("helped")) {
                var client = Clients.connect(d.port(service));
                clients.add(client);
                assertEquals("ready\n", readLine(client));
                groups.add((int) live(d, service).pid().orElseThrow());
            }
            d.daemon().stop();
            for (int pgid : groups) {
                assertTrue(TimeoutsTest.group(pgid).isEmpty(), "group " + pgid + " outlived the stop");
            }
        } finally {
            d.close();
            for (var client : clients) {
                client.close();
            }
        }
    }

    private static Live.Entry live(TestDaemon d, String service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (var entry : d.daemon().connections()) {
                if (entry.service().equals(service) && entry.pid().isPresent()) {
                    return entry;
                }
            }
            LockSupport.parkNanos(5_000_000);
        }
        throw new AssertionError("no live connection of " + service + " with a program");
    }

    private static String readLine(java.net.Socket client) throws IOException {
        var line = new StringBuilder();
        for (int c; (c = client.getInputStream().read()) >= 0; ) {
            line.append((char) c);
            if (c == '\n') {
                break;
            }
        }
        return line.toString();
    }

    /** The state letter of {@code pid} (R, S, Z, ...), or empty when it is gone. */
    private static String state(int pid) {
        try {
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean awaitGone(int pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Files.exists(Path.of("/proc/" + pid))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return true;
    }

    /**
     * A process of this test's that runs as {@code pid} and leads its own session (and so a
     * group of that number), made by setting the kernel's last pid; null if others kept
     * taking the number first.
     */
    static Process takePid(int pid) throws Exception {
        var last = Path.of("/proc/sys/kernel/ns_last_pid");
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                Files.writeString(last, Integer.toString(pid - 1));
            } catch (IOException e) {
                return null;
            }
            var process = new ProcessBuilder("/usr/bin/setsid", "/bin/sleep", "600").start();
            if (process.pid() == pid) {
                return process;
            }
            process.destroyForcibly();
            process.waitFor();
        }
        return null;
    }
}
