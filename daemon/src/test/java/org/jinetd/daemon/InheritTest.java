package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code io: inherit}: what a program sees from inside, and that every child is reaped. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InheritTest {
    /** The child reports on itself: its descriptors, its signal state, its session, its cwd. */
    private static final String REPORT = """
            ls -l /proc/$$/fd
            echo "cwd $(pwd)"
            """;

    /** The report, with ls's {@code ... 0 -> socket:[123]} lines as {@code fd 0 socket:[123]}. */
    private static List<String> fdLines(String report) {
        return report.lines().map(l -> l.contains(" -> ")
                ? "fd " + l.replaceAll(".* (\\d+) -> (.*)", "$1 $2") : l).toList();
    }

    /** A table whose service {@code self} runs {@link #REPORT} with {@code io} as given. */
    private static String reporting(String io) {
        return "services:\n  self:\n    bind: 127.0.0.1\n    io: " + io + "\n    exec:\n      - /bin/sh\n      - -c\n"
                + "      - |\n" + REPORT.indent(8);
    }

    @Test
    void theSocketIsFd0And1AndTheChildHasNothingElseOfTheDaemons() throws Exception {
        try (var d = TestDaemon.start(reporting("inherit"))) {
            var lines = fdLines(Clients.exchange(d.port("self"), ""));
            var fds = lines.stream().filter(l -> l.startsWith("fd ")).toList();
            assertEquals(3, fds.size(), String.join("\n", lines));
            assertTrue(fds.get(0).matches("fd 0 socket:\\[\\d+]"), fds.get(0));
            assertEquals(fds.get(0).substring(5), fds.get(1).substring(5), "fd 1 is the same socket as fd 0");
            assertTrue(fds.get(2).matches("fd 2 pipe:\\[\\d+]"), fds.get(2));
            assertTrue(lines.contains("cwd /"), String.join("\n", lines));
        }
    }

    @Test
    void theChildStartsWithAnEmptySignalMaskDefaultDispositionsApart() throws Exception {
        // Read by the spawned program itself: a shell would show its own mask while it waits.
        try (var d = TestDaemon.start("services:\n"
                + ProgramStartTest.asBoth("signals", "exec: [/bin/grep, -E, '^Sig(Blk|Ign)', /proc/self/status]")
                + ProgramStartTest.asBoth("session", "exec: " + ProgramStartTest.PID_GROUP_SESSION))) {
            for (var service : ProgramStartTest.both("signals")) {
                assertEquals("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n",
                        Clients.exchange(d.port(service), ""), service);
            }
            for (var service : ProgramStartTest.both("session")) {
                ProgramStartTest.assertStartsApart(d, Clients.exchange(d.port(service), ""));
            }
        }
    }

    @Test
    void behindTheBridgeTheChildGetsPipes() throws Exception {
        try (var d = TestDaemon.start(reporting("bridge"))) {
            var lines = fdLines(Clients.exchange(d.port("self"), ""));
            assertTrue(lines.stream().anyMatch(l -> l.matches("fd 0 pipe:\\[\\d+]")), String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> l.matches("fd 1 pipe:\\[\\d+]")), String.join("\n", lines));
        }
    }

    @Test
    void stderrSocketMakesFd2TheConnectionAndNullMakesItDevNull() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  socket: {bind: 127.0.0.1, stderr: socket, exec: [/bin/sh, -c, 'readlink /proc/$$/fd/2; echo via-2 >&2']}
                  quiet: {bind: 127.0.0.1, stderr: null, exec: [/bin/sh, -c, 'readlink /proc/$$/fd/2; echo lost >&2']}
                """)) {
            var socket = Clients.exchange(d.port("socket"), "");
            assertTrue(socket.matches("socket:\\[\\d+]\nvia-2\n"), socket);
            assertEquals("/dev/null\n", Clients.exchange(d.port("quiet"), ""));
        }
    }

    @Test
    void stderrGoesToTheLogLineByLineWithPid() throws Exception {
        try (var d = TestDaemon.start("services: {noisy: {bind: 127.0.0.1, exec: [/bin/sh, -c, "
                + "'echo one >&2; echo two >&2; echo out']}}")) {
            assertEquals("out\n", Clients.exchange(d.port("noisy"), ""));
            var one = d.awaitLog("stderr=one");
            d.awaitLog("stderr=two");
            var pid = one.replaceAll(".* pid=(\\d+) .*", "$1");
            assertTrue(d.awaitLog("service=noisy peer=").matches(
                    "service=noisy peer=127\\.0\\.0\\.1:\\d+ pid=" + pid + " exit=0 duration=\\S+"));
        }
    }

    @Test
    void aProgramThatFloodsItsStderrStopsNoOtherProgram() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  flood: {bind: 127.0.0.1, exec: [/bin/sh, -c, 'head -c 100000000 /dev/zero >&2; echo done']}
                  bridged: {bind: 127.0.0.1, io: bridge, exec: [/bin/sh, -c, 'head -c 100000000 /dev/zero >&2; echo done']}
                  lines: {bind: 127.0.0.1, exec: [/bin/sh, -c, 'yes line | head -n 20000 >&2; echo done']}
                  hello: {bind: 127.0.0.1, exec: [/bin/echo, hello]}
                """)) {
            // 100 MB in one line used to run the reaper out of memory, and nothing was reaped again.
            assertEquals("done\n", Clients.exchange(d.port("flood"), ""));
            assertTrue(d.awaitLog("service=flood pid=").endsWith(" [cut at 4096 bytes]\""));
            assertEquals("done\n", Clients.exchange(d.port("bridged"), ""));
            assertTrue(d.awaitLog("service=bridged pid=").endsWith(" [cut at 4096 bytes]\""));
            assertEquals("done\n", Clients.exchange(d.port("lines"), ""));
            d.awaitLog(line -> line.startsWith("service=lines pid=") && line.contains(" stderr_unlogged="));
            assertTrue(d.log().stream().filter(l -> l.endsWith(" stderr=line")).count() < 20_000);
            for (int i = 0; i < 20; i++) {
                assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
            }
            assertTrue(d.awaitLogs(lines -> lines.stream().filter(l -> l.startsWith("service=hello peer=")).count() == 20),
                    "every program is still reaped");
        }
    }

    @Test
    void logsExitStatusAndTheSignalThatEndedIt() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  three: {bind: 127.0.0.1, exec: [/bin/sh, -c, 'exit 3']}
                  killed: {bind: 127.0.0.1, exec: [/bin/sh, -c, 'kill -KILL $$']}
                  high: {bind: 127.0.0.1, exec: [/bin/sh, -c, 'exit 130']}
                """)) {
            Clients.exchange(d.port("three"), "");
            Clients.exchange(d.port("killed"), "");
            Clients.exchange(d.port("high"), "");
            assertTrue(d.awaitLog("service=three ").contains(" exit=3 "));
            assertTrue(d.awaitLog("service=killed ").contains(" signal=KILL "));
            // Natively reaped, an exit status of 130 is a status, not a signal.
            assertTrue(d.awaitLog("service=high ").contains(" exit=130 "));
        }
    }

    @Test
    void aProgramThatCannotBeSpawnedIsLoggedAndTheClientClosed() throws Exception {
        var program = Files.createTempFile("jinetd-gone", ".sh");
        Files.writeString(program, "#!/bin/sh\necho hi\n");
        program.toFile().setExecutable(true);
        try (var d = TestDaemon.start("services: {gone: {bind: 127.0.0.1, user: " + self() + ", exec: [" + program
                + "]}}")) {
            Files.delete(program);
            assertEquals("", Clients.exchange(d.port("gone"), ""));
            var line = d.awaitLog("service=gone peer=");
            assertTrue(line.contains("error=\"spawn failed: posix_spawn: No such file or directory\""), line);
        }
    }

    @Test
    void aClientThatConnectsAgainAsSoonAsItSeesTheEndFindsItsPlaceFree() throws Exception {
        // The client sees the end before the daemon has read the program's stderr and reaped it:
        // its place in instances is given back before that. (A program of another user's spawner
        // ends its client a moment before the daemon hears of it: see docs/table.md.)
        try (var d = TestDaemon.start("services: {once: {bind: 127.0.0.1, instances: 1, per_source: 1, user: " + self()
                + ", exec: [/bin/sh, -c, 'echo hi; echo a line to the log >&2']}}")) {
            for (int i = 0; i < 100; i++) {
                assertEquals("hi\n", Clients.exchange(d.port("once"), ""), "connection " + i + ": " + d.log());
            }
            assertTrue(d.log().stream().noneMatch(l -> l.contains("refused=")), String.join("\n", d.log()));
        }
    }

    @Test
    void twoThreadsAcceptForAProgramKeepingItsInstancesAndEndWithTheListener() throws Exception {
        var threads = "listen-twin/tcp";
        try (var d = TestDaemon.start("services: {twin: {bind: 127.0.0.1, instances: 2, user: " + self()
                + ", exec: [/bin/sh, -c, 'echo hi; sleep 3']}}")) {
            assertEquals(2, threadsNamed(threads), "a second thread accepts while a program is spawned");
            // Eight clients at once: two programs run, the others are refused, whichever thread took them.
            var answers = new java.util.concurrent.ConcurrentLinkedQueue<String>();
            var clients = new ArrayList<Thread>();
            for (int i = 0; i < 8; i++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    try {
                        answers.add(Clients.exchange(d.port("twin"), ""));
                    } catch (IOException e) {
                        answers.add("");
                    }
                }));
            }
            for (var client : clients) {
                client.join();
            }
            long served = answers.stream().filter("hi\n"::equals).count();
            assertTrue(served >= 1 && served <= 2, "served " + served + " of 8 with instances: 2: " + answers);
            assertEquals(8 - served, answers.stream().filter(String::isEmpty).count(), "the others refused: " + answers);
        }
        assertEquals(0, threadsNamed(threads), "both accepting threads end with the listener");
    }

    @Test
    void theSecondAcceptingThreadEndsWhenAReloadMakesTheServiceAHandlerAndComesBackWithPrograms() throws Exception {
        int port = TestDaemon.freePort();
        var programs = "services: {swap: {bind: 127.0.0.1, port: %d, instances: unlimited, user: %s, exec: [/bin/echo, hi]}}"
                .formatted(port, self());
        var handler = "services: {swap: {bind: 127.0.0.1, port: %d, handler: echo}}".formatted(port);
        try (var d = TestDaemon.start(programs)) {
            var second = threadNamed("listen-swap/tcp-2");
            assertEquals("hi\n", Clients.exchange(port, ""));
            assertEquals(List.of("swap"), d.daemon().reload(TestDaemon.table(handler)).kept());
            // Whichever thread was accepting takes this client; the second ends then, or at once.
            assertEquals("same", Clients.exchange(port, "same"));
            second.join(10_000);
            assertTrue(!second.isAlive(), "the second thread ends once its service runs no programs");
            assertEquals(1, threadsNamed("listen-swap/tcp"));
            assertEquals("again", Clients.exchange(port, "again"));
            assertEquals(List.of("swap"), d.daemon().reload(TestDaemon.table(programs)).kept());
            assertEquals(2, threadsNamed("listen-swap/tcp"), "a reload back to programs starts another");
            for (int i = 0; i < 5; i++) {
                assertEquals("hi\n", Clients.exchange(port, ""));
            }
        }
        assertEquals(0, threadsNamed("listen-swap/tcp"));
    }

    private static Thread threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    @Test
    void clientsOneAtATimeLeaveTheSecondAcceptingThreadAsleep() throws Exception {
        // Thread names as /proc shows them (15 bytes at most): "listen-tw/tcp" and "listen-tw/tcp-2".
        try (var d = TestDaemon.start("services: {tw: {bind: 127.0.0.1, instances: unlimited, user: " + self()
                + ", exec: [/bin/echo, hi]}}")) {
            assertEquals(2, threadsNamed("listen-tw/tcp"));
            assertEquals("hi\n", Clients.exchange(d.port("tw"), ""));
            var before = switchesOf("listen-tw/tcp");
            for (int i = 0; i < 40; i++) {
                // Each waits for the program's end: no client is ever waiting while one is accepted.
                assertEquals("hi\n", Clients.exchange(d.port("tw"), ""));
            }
            var after = switchesOf("listen-tw/tcp");
            assertEquals(before.keySet(), after.keySet());
            var woken = before.keySet().stream().map(name -> after.get(name) - before.get(name)).sorted().toList();
            // The one that accepts waits in accept() for each client; the other is not woken for them.
            assertTrue(woken.getFirst() <= 5, "context switches of the two accepting threads over 40 clients: " + woken);
        }
    }

    /** Voluntary context switches of this process's threads whose names start with {@code prefix}, by name. */
    private static java.util.Map<String, Long> switchesOf(String prefix) throws IOException {
        var switches = new java.util.TreeMap<String, Long>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (var task : tasks.toList()) {
                String name;
                List<String> status;
                try {
                    name = java.nio.file.Files.readString(task.resolve("comm")).strip();
                    status = java.nio.file.Files.readAllLines(task.resolve("status"));
                } catch (java.nio.file.NoSuchFileException e) {
                    continue; // a thread that ended meanwhile
                }
                if (name.startsWith(prefix)) {
                    for (var line : status) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            switches.merge(name, Long.parseLong(line.substring(24).strip()), Long::sum);
                        }
                    }
                }
            }
        }
        return switches;
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void aThousandShortChildrenLeaveNoZombieAndNoDescriptorBehind() throws Exception {
        try (var d = TestDaemon.start("services: {hello: {bind: 127.0.0.1, instances: unlimited, "
                + "exec: [/bin/echo, hello]}}")) {
            // A first round at the same concurrency lets the JDK open what it keeps (its pollers).
            assertEquals(0, clients(d, 8, 10));
            assertTrue(d.awaitIdle(java.time.Duration.ofSeconds(30)));
            long fdsBefore = openFds();
            assertEquals(0, clients(d, 8, 125));
            assertTrue(d.awaitIdle(java.time.Duration.ofSeconds(30)), "every connection ended");
            assertEquals(0, d.daemon().children(), "every child reaped");
            assertEquals(List.of(), zombies());
            // No more than before: the test JVM may close one of its own meanwhile, never keep one of ours.
            long fdsAfter = openFds();
            assertTrue(fdsAfter <= fdsBefore, "the daemon's open descriptors: " + fdsBefore + " before, " + fdsAfter + " after");
        }
    }

    /** {@code threads} clients, each making {@code each} connections; returns how many failed. */
    private static int clients(TestDaemon d, int threads, int each) throws InterruptedException {
        var running = new ArrayList<Thread>();
        var failures = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < threads; t++) {
            running.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    try {
                        if (!Clients.exchange(d.port("hello"), "").equals("hello\n")) {
                            failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        for (var thread : running) {
            thread.join();
        }
        return failures.get();
    }

    private static String self() {
        return System.getProperty("user.name");
    }

    private static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Children of this JVM that have exited and not been reaped. */
    private static List<String> zombies() throws IOException {
        var self = Long.toString(ProcessHandle.current().pid());
        var found = new ArrayList<String>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (var proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    var stat = Files.readString(proc.resolve("stat"));
                    var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (fields[0].equals("Z") && fields[1].equals(self)) {
                        found.add(stat);
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return found;
    }
}
