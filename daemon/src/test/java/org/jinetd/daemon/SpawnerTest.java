package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.RunAs;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.config.ServiceTable;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Pids;
import org.jinetd.daemon.os.Sessions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jinetd.daemon.launch.spawner.UserSpawners;

/**
 * A root daemon has the spawner of a user start that user's programs. The spawner is that
 * user's process: whatever it does, the daemon lives on, says what happened in one line,
 * ends it and every program it started, and holds no place in the limits for them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpawnerTest {
    private static final int SIGKILL = 9;
    private static final int SIGSTOP = 19;
    /** A program that forks, and whose every process ignores SIGTERM. */
    private static final String STUBBORN = "[/bin/sh, -c, 'trap \"\" TERM; echo ready; sleep 60 & sleep 60; wait']";

    @BeforeEach
    void asRoot() {
        assumeTrue(System.getProperty("user.name").equals("root"), "a spawner of another user needs a root daemon");
    }

    @Test
    void aProgramOfAnotherUserIsTheChildOfItsSpawnerWhichRunsAsThatUserInASessionOfItsOwn() throws Exception {
        try (var d = TestDaemon.start("services: {who: {bind: 127.0.0.1, user: nobody, "
                + "exec: [/bin/sh, -c, 'echo $PPID; id -u; id -G']}}")) {
            var lines = Clients.exchange(d.port("who"), "").lines().toList();
            int spawner = Integer.parseInt(lines.get(0));
            assertEquals(List.of(spawner), d.spawners());
            assertTrue(d.awaitLog("spawner of nobody (pid " + spawner + "): ready after ").matches(".* ready after \\d+\\.\\d\\ds"));
            assertEquals(List.of("65534", "65534"), lines.subList(1, 3));
            var status = Files.readAllLines(Path.of("/proc/" + spawner + "/status"));
            assertTrue(status.contains("Uid:\t65534\t65534\t65534\t65534"), status.toString());
            assertTrue(status.contains("CapEff:\t0000000000000000"), status.toString());
            assertTrue(Sessions.members(spawner).contains(spawner), "it leads its own session");
        }
    }

    @Test
    void whileItsSpawnerStartsAProgramGoesThroughSetprivAndOnceItIsReadyThroughTheSpawner() throws Exception {
        try (var d = TestDaemon.startAsRun("services: {who: {bind: 127.0.0.1, user: nobody, "
                + "exec: [/bin/sh, -c, 'echo $PPID; id -u']}}")) {
            // The first client waits for no JVM: setpriv and env exec in place, so its parent is the daemon.
            var first = Clients.exchange(d.port("who"), "").lines().toList();
            assertEquals(List.of(Long.toString(ProcessHandle.current().pid()), "65534"), first);
            var ready = d.awaitLog(l -> l.startsWith("spawner of nobody (pid ") && l.contains("): ready after "));
            int spawner = Integer.parseInt(ready.replaceAll(".*\\(pid (\\d+)\\).*", "$1"));
            var next = Clients.exchange(d.port("who"), "").lines().toList();
            assertEquals(List.of(Integer.toString(spawner), "65534"), next);
            assertEquals(List.of(spawner), d.spawners());
        }
    }

    @Test
    void aSpawnerThatNeverGetsReadyCostsItsUsersClientsNothing() throws Exception {
        try (var d = helloWithStandIn("exec sleep 60", Duration.ofSeconds(1))) {
            assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
            var warning = d.awaitLog(l -> l.startsWith("spawner of nobody (pid ") && l.contains("; ending it"));
            assertTrue(warning.endsWith(") was not ready within 1s; ending it"), warning);
            assertGone(Integer.parseInt(warning.replaceAll(".*\\(pid (\\d+)\\).*", "$1")));
            // The next client is served as well, through setpriv, while no other spawner is tried.
            assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
            assertTrue(d.awaitLogs(log -> log.stream().filter(l -> l.startsWith("service=hello peer=")).count() == 2),
                    d.log().toString());
            assertTrue(d.log().stream().filter(l -> l.startsWith("service=hello peer=")).allMatch(l -> l.contains(" exit=0 ")),
                    d.log().toString());
        }
    }

    /**
     * A spawner that exits as it starts (its user's limits keep a JVM from starting, say) is
     * not started again for every client, which a client could repeat at will: its user's
     * programs go through setpriv for a second, then two, four, each failure after the next.
     */
    @Test
    void aSpawnerThatCannotStartIsNotStartedAgainForEveryClient() throws Exception {
        try (var d = helloWithStandIn("exit 3", Duration.ofSeconds(5))) {
            long since = System.nanoTime();
            assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
            var first = d.awaitLog(l -> l.startsWith("spawner of nobody failed to start"));
            assertTrue(first.endsWith("go through setpriv for 1s before another is tried"), first);
            int clients = 20;
            for (int i = 0; i < clients; i++) {
                assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
            }
            double seconds = (System.nanoTime() - since) / 1e9;
            // Every spawner tried has ended and been counted.
            assertTrue(d.awaitLogs(log -> d.spawners().isEmpty() && count(log, "exited with status 3; ending it")
                    == count(log, "spawner of nobody failed to start")), d.log().toString());
            long tried = count(d.log(), "exited with status 3; ending it");
            // Tries after the first: at the earliest 1 s, 3 s, 7 s, 15 s... after the first client came.
            long allowed = 1 + (long) Math.floor(Math.log(seconds + 1) / Math.log(2));
            assertTrue(tried <= allowed, tried + " spawners tried for " + (clients + 1) + " clients in " + seconds
                    + " s: " + d.log());
            assertTrue(d.awaitLogs(log -> count(log, "service=hello peer=") == clients + 1), d.log().toString());
            assertTrue(d.log().stream().filter(l -> l.startsWith("service=hello peer=")).allMatch(l -> l.contains(" exit=0 ")),
                    d.log().toString());
            // Once the wait is over, the next client has another spawner tried (none is left
            // recorded dead, however soon it exited), and its failure doubles the wait.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (count(d.log(), "spawner of nobody failed to start") < 2 && System.nanoTime() < deadline) {
                assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
            }
            assertTrue(d.awaitLogs(log -> log.stream().anyMatch(l -> l.endsWith("setpriv for 2s before another is tried"))),
                    d.log().toString());
        }
    }

    /**
     * A daemon serving {@code hello} as nobody, whose spawners are a stand-in shell
     * {@code script} given {@code limit} to be ready and to answer; programs go through setpriv
     * while one starts, as under {@code jinetd run}.
     */
    private static TestDaemon helloWithStandIn(String script, Duration limit) throws Exception {
        var settings = new UserSpawners.Settings(List.of("/bin/sh", "-c", script), Duration.ofSeconds(30), limit, limit)
                .meanwhile(true);
        return TestDaemon.start(TestDaemon.table("services: {hello: {bind: 127.0.0.1, user: nobody, "
                + "exec: [/bin/echo, hello]}}"), settings);
    }

    private static long count(List<String> log, String containing) {
        return log.stream().filter(l -> l.contains(containing)).count();
    }

    @Test
    void aHelperThatJoinsItsSpawnersGroupNeverHasTheSpawnerSignalledWhenItsProgramEnds() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")), "perl (Debian's perl-base) is not here");
        // The helper moves into the group its spawner leads (the session's number): a group of the
        // session that holds a descendant of the program, and yet not the program's to end.
        var joins = "'my $c = fork; if ($c == 0) { open my $f, q(<), qq(/proc/$$/stat); my @f = split q( ), "
                + "(split /\\) /, <$f>)[-1]; setpgrp(0, $f[3]) or die; $| = 1; print qq(joined $f[3]\\n); sleep 600; exit } "
                + "$| = 1; sleep 600'";
        try (var d = TestDaemon.start("services: {joins: {bind: 127.0.0.1, user: nobody, timeout_max: 2s, kill_grace: 1s, "
                + "exec: [/usr/bin/perl, -e, " + joins + "]}}");
             var client = Clients.connect(d.port("joins"))) {
            var said = new String(client.getInputStream().readNBytes(7), StandardCharsets.US_ASCII);
            assertEquals("joined ", said);
            int spawner = d.spawners().getFirst();
            var line = d.awaitLog("service=joins peer=");
            assertTrue(line.contains(" reason=timeout "), line);
            assertTrue(d.log().stream().noneMatch(l -> l.startsWith("spawner of nobody (pid " + spawner + ") ")
                    && l.contains("ending it")), d.log().toString());
            assertTrue(ProcessHandle.of(spawner).map(ProcessHandle::isAlive).orElse(false), "the spawner lives on");
            assertEquals(List.of(spawner), d.spawners());
        }
    }

    @Test
    void aSpawnerKilledMidConnectionTakesItsProgramsWithItAndGivesBackTheirPlaces() throws Exception {
        try (var d = TestDaemon.start("services: {stubborn: {bind: 127.0.0.1, user: nobody, instances: 1, exec: "
                + STUBBORN + "}}");
             var client = Clients.connect(d.port("stubborn"))) {
            var in = client.getInputStream();
            assertEquals("ready\n", new String(in.readNBytes(6), StandardCharsets.US_ASCII));
            awaitRunning(d);
            int spawner = d.spawners().getFirst();
            assertTrue(await(() -> Sessions.members(spawner).size() >= 4), "the spawner, sh and two sleeps");
            Pids.kill(spawner, SIGKILL);
            assertEquals(-1, in.read(), "the client is let go");
            var line = d.awaitLog("service=stubborn peer=");
            assertTrue(line.contains(" error=\"spawner of nobody was killed by signal KILL\" "), line);
            d.awaitLog("spawner of nobody (pid " + spawner + ") was killed by signal KILL; ending it and its 1 program");
            assertGone(spawner);
            assertNothingCounted(d);
            // Its place is free again, and a new spawner serves it.
            try (var again = Clients.connect(d.port("stubborn"))) {
                assertEquals("ready\n", new String(again.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
                assertNotEquals(List.of(spawner), d.spawners());
            }
        }
    }

    @Test
    void aSpawnerReapedNeverHasItsNumberSignalledAgain() throws Exception {
        try (var d = TestDaemon.start("services: {stubborn: {bind: 127.0.0.1, user: nobody, kill_grace: 1s, exec: "
                + STUBBORN + "}}");
             var client = Clients.connect(d.port("stubborn"))) {
            assertEquals("ready\n", new String(client.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
            awaitRunning(d);
            int spawner = d.spawners().getFirst();
            Pids.kill(spawner, SIGKILL);
            // Its session (the program ignores SIGTERM) is ended, and only then is the spawner reaped.
            assertTrue(await(() -> !Files.exists(Path.of("/proc/" + spawner))), "the spawner is reaped");
            assertGone(spawner);
            // The kernel hands the number out again only once no process, zombies too, has it as
            // its session: the programs' zombies are reaped by whoever reaps orphans here.
            assumeTrue(await(() -> withSession(spawner) == 0), "orphans of session " + spawner + " not reaped here");
            // Another process now takes the number, and leads a group and a session of that number.
            var impostor = ProgramEndTest.takePid(spawner);
            assumeTrue(impostor != null, "pid " + spawner + " could not be taken again (others took it first)");
            try {
                long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < until) {
                    assertTrue(impostor.isAlive(), "the process that took pid " + spawner
                            + " was signalled as the spawner's session");
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
                }
            } finally {
                impostor.destroyForcibly();
                impostor.waitFor();
            }
        }
    }

    @Test
    void aStopEndsAProgramOfAnotherUserThatIgnoresSigtermAndThenItsSpawner() throws Exception {
        var d = TestDaemon.start("""
                shutdown_grace: 200ms
                services:
                  stubborn: {bind: 127.0.0.1, user: nobody, kill_grace: 300ms, exec: %s}
                """.formatted(STUBBORN));
        int spawner;
        try (var client = Clients.connect(d.port("stubborn"))) {
            assertEquals("ready\n", new String(client.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
            awaitRunning(d);
            spawner = d.spawners().getFirst();
            d.close();
            assertEquals(-1, client.getInputStream().read(), "the client is let go");
        }
        var line = d.awaitLog("service=stubborn peer=");
        assertTrue(line.contains(" signal=KILL reason=stop "), line);
        assertGone(spawner);
        assertTrue(d.log().stream().noneMatch(l -> l.contains("ending it")), "closed, not ended: " + d.log());
    }

    @Test
    void aSpawnerThatStopsAnsweringIsEndedWithItsPrograms() throws Exception {
        var settings = UserSpawners.Settings.ofThisJvm();
        settings = new UserSpawners.Settings(settings.command(), settings.idle(), settings.start(), Duration.ofSeconds(1));
        try (var d = TestDaemon.start(TestDaemon.table("""
                services:
                  hello: {bind: 127.0.0.1, user: nobody, exec: [/bin/echo, hello]}
                  stubborn: {bind: 127.0.0.1, user: nobody, exec: %s}
                """.formatted(STUBBORN)), settings);
             var running = Clients.connect(d.port("stubborn"))) {
            assertEquals("ready\n", new String(running.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
            awaitRunning(d);
            int spawner = d.spawners().getFirst();
            Pids.kill(spawner, SIGSTOP);
            assertEquals("", Clients.exchange(d.port("hello"), ""), "no program for a request not answered");
            var line = d.awaitLog("service=hello peer=");
            assertTrue(line.contains(" error=\"spawn failed: spawner of nobody gave no answer within 1s\" "), line);
            assertEquals(-1, running.getInputStream().read(), "its running program is ended too");
            var ended = d.awaitLog("service=stubborn peer=");
            assertTrue(ended.contains(" error=\"spawner of nobody gave no answer within 1s\" "), ended);
            assertGone(spawner);
            assertNothingCounted(d);
            assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
        }
    }

    @Test
    void aSpawnerThatSaysWhatDoesNotParseIsEnded() throws Exception {
        assertEndedForSaying("printf garbage >&3", "sent a message that does not parse (unknown message 103)");
    }

    @Test
    void aSpawnerThatSendsAHugeMessageIsEnded() throws Exception {
        assertEndedForSaying("head -c 1000000 /dev/zero >&3", "sent a message longer than 640 bytes");
    }

    @Test
    void aSpawnerThatAnswersWhatWasNotAskedIsEnded() throws Exception {
        assertEndedForSaying(StandInSpawner.command("unasked"), "answered request 7, which was not the one asked");
    }

    @Test
    void aSpawnerThatSaysItIsReadyWithoutASocketOfItsOwnIsEnded() throws Exception {
        assertEndedForSaying("printf 'H\\000\\000\\000\\003' >&3", "said it was ready without a socket of its own");
    }

    @Test
    void aSpawnerThatHandsOverASocketItDidNotMakeIsEnded() throws Exception {
        // The one it was started with, as a process of its user that took a copy of it would hand over.
        assertEndedForSaying(StandInSpawner.command("foreign"), "said it was ready with a socket made by pid "
                + ProcessHandle.current().pid() + " (uid 0), not by itself");
    }

    @Test
    void aSpawnerThatHandsOverNoSocketOrMoreThanOneIsEnded() throws Exception {
        assertEndedForSaying(StandInSpawner.command("pipe"),
                "said it was ready with a descriptor that is no socket of its own (getsockopt: Socket operation on "
                        + "non-socket)");
        assertEndedForSaying(StandInSpawner.command("two"), "said it was ready with more descriptors than its socket");
    }

    @Test
    void aSpawnerStillDumpableWhenItSaysItIsReadyIsEnded() throws Exception {
        assertEndedForSaying(StandInSpawner.command("dumpable"), "was still dumpable when it said it was ready");
    }

    /**
     * While its JVM starts, the spawner is dumpable, and another process of its user may take
     * a copy of the socket it was started with: here a process it leaves behind with one, which
     * reads what comes. It gets nothing: every request goes on the socket the spawner made once
     * it was not dumpable, and the first is closed once that is handed over.
     */
    @Test
    void aCopyOfTheSocketASpawnerStartsWithGetsNoRequest() throws Exception {
        var dir = Files.createTempDirectory("copy");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        var copied = dir.resolve("copied");
        var command = new java.util.ArrayList<>(List.of("/bin/sh", "-c", "cat <&3 > " + copied + " & exec \"$@\"", "sh"));
        command.addAll(UserSpawners.Settings.ofThisJvm().command());
        var settings = new UserSpawners.Settings(command, Duration.ofSeconds(30), UserSpawners.Settings.START,
                UserSpawners.Settings.REPLY);
        try (var d = TestDaemon.start(TestDaemon.table("services: {hello: {bind: 127.0.0.1, user: nobody, "
                + "exec: [/bin/echo, hello]}}"), settings)) {
            for (int i = 0; i < 20; i++) {
                assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
            }
            d.awaitLog(l -> l.startsWith("spawner of nobody (pid ") && l.contains("): ready after "));
            // The copy reads the end of the first socket, closed once the spawner handed over its own
            // (and stays a zombie: the spawner reaps only its programs).
            int spawner = d.spawners().getFirst();
            assertTrue(await(() -> Sessions.members(spawner).stream().filter(pid -> pid != spawner)
                            .allMatch(pid -> stateOf(pid) == 'Z')), "the copy's reader is still reading");
            assertEquals(0, Files.size(copied), "a request reached the copy");
        } finally {
            Files.deleteIfExists(copied);
            Files.delete(dir);
        }
    }

    @Test
    void aSpawnerThatNeverSaysItIsReadyIsEnded() throws Exception {
        assertEndedForSaying(":", "was not ready within 1s");
    }

    /**
     * A stand-in spawner (a shell, as nobody) that runs {@code script} with the socket as its
     * fd 3, then sleeps in its session: the connection fails with {@code why}, and nothing of
     * the stand-in is left.
     */
    private static void assertEndedForSaying(String script, String why) throws Exception {
        assertEndedForSaying(List.of("/bin/sh", "-c", script + "; exec sleep 60"), why);
    }

    /** As above, for a stand-in {@code command}; a JVM's (more than a shell's three words) gets 30 s to start. */
    private static void assertEndedForSaying(List<String> command, String why) throws Exception {
        var settings = new UserSpawners.Settings(command, Duration.ofSeconds(30), Duration.ofSeconds(command.size() > 3
                ? 30 : 1), Duration.ofSeconds(1));
        int pid;
        try (var d = TestDaemon.start(TestDaemon.table("services: {hello: {bind: 127.0.0.1, user: nobody, "
                + "exec: [/bin/echo, hello]}}"), settings)) {
            assertEquals("", Clients.exchange(d.port("hello"), ""));
            var line = d.awaitLog("service=hello peer=");
            assertTrue(line.contains(" error=\"spawn failed: spawner of nobody " + why + "\" "), line);
            var warning = d.awaitLog(l -> l.startsWith("spawner of nobody (pid ") && l.contains("; ending it"));
            assertTrue(warning.endsWith(") " + why + "; ending it"), warning);
            pid = Integer.parseInt(warning.replaceAll(".*\\(pid (\\d+)\\).*", "$1"));
            assertGone(pid);
            assertNothingCounted(d);
        }
        // Reaped by the time the daemon has closed, however soon after the spawner's end it closed:
        // no zombie of it is left in this process.
        assertFalse(zombieOfOurs(pid), "spawner " + pid + " left a zombie behind the closed daemon");
    }

    /** Whether {@code pid} is a zombie whose parent is this JVM. */
    private static boolean zombieOfOurs(int pid) {
        try {
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields[0].equals("Z") && fields[1].equals(Long.toString(ProcessHandle.current().pid()));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aUserThatNoLongerExistsWhenItsProgramIsStartedGetsAClearLine() throws Exception {
        var table = TestDaemon.table("services: {ghost: {bind: 127.0.0.1, user: nobody, exec: [/bin/echo, hello]}}");
        var service = table.services().getFirst();
        var exec = (Launch.Exec) service.launch();
        // As if the user had been removed after the table was read: a uid no account has.
        int uid = 54_321;
        assumeTrue(!Files.readString(Path.of("/etc/passwd")).contains(":" + uid + ":"), "uid " + uid + " is taken here");
        var ghost = new Launch.Exec(exec.argv(), new RunAs("ghost", uid, "ghost", uid, "/", "/bin/sh", true), exec.env(),
                exec.io(), exec.stderr(), exec.waits(), exec.listenFds(), exec.resources());
        var haunted = new ServiceTable(table.file(), table.shutdownGrace(), table.maxConnections(), table.maxSpawners(),
                table.datagramReplyRate(),
                table.controlSocket(),
                table.log(), List.of(new Service(service.name(), service.endpoint(), service.socket(), ghost, service.access(),
                        service.limits(), service.rates(), service.timeouts(), service.banners(), service.proxy(),
                        service.tls(), false)), table.plugins(), table.sources());
        try (var d = TestDaemon.start(haunted, UserSpawners.Settings.ofThisJvm().meanwhile(false))) {
            assertEquals("", Clients.exchange(d.port("ghost"), ""));
            var line = d.awaitLog("service=ghost peer=");
            assertTrue(line.contains(" error=\"spawn failed: spawner of ghost exited with status 1\" "), line);
            assertTrue(d.awaitLog("service=spawner:ghost pid=").contains("setpriv"), "setpriv says why");
            assertNothingCounted(d);
        }
    }

    @Test
    void anIdleSpawnerExitsAndTheNextProgramOfItsUserStartsAnother() throws Exception {
        var settings = UserSpawners.Settings.ofThisJvm();
        settings = new UserSpawners.Settings(settings.command(), Duration.ofMillis(300), settings.start(),
                settings.reply());
        try (var d = TestDaemon.start(TestDaemon.table("services: {hello: {bind: 127.0.0.1, user: nobody, "
                + "exec: [/bin/echo, hello]}}"), settings)) {
            assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
            int first = d.spawners().getFirst();
            assertTrue(await(() -> d.spawners().isEmpty() && ProcessHandle.of(first).isEmpty()),
                    "the spawner exits after its idle spell");
            d.awaitLog("spawner of nobody (pid " + first + "): closed after 300ms without a program");
            assertTrue(d.log().stream().noneMatch(l -> l.contains("ending it")), "closed, not ended: " + d.log());
            assertEquals("hello\n", Clients.exchange(d.port("hello"), ""));
            assertNotEquals(first, d.spawners().getFirst());
        }
    }

    @Test
    void aReloadRetiresEverySpawnerWhichClosesAfterItsLastProgramWhileTheNextGetsANewOne() throws Exception {
        var yaml = "services: {held: {bind: 127.0.0.1, user: nobody, exec: [/bin/sh, -c, 'echo $PPID; exec cat']}}";
        try (var d = TestDaemon.start(yaml); var before = Clients.connect(d.port("held"))) {
            int first = Integer.parseInt(firstLine(before));
            assertEquals(List.of(first), d.spawners());
            d.daemon().reload(TestDaemon.table(yaml));
            try (var after = Clients.connect(d.port("held"))) {
                int second = Integer.parseInt(firstLine(after));
                assertNotEquals(first, second, "a program after the reload has a spawner of its own");
                // The program of before runs on under its spawner, which takes nothing new.
                before.getOutputStream().write("still\n".getBytes());
                assertEquals("still", firstLine(before));
                before.shutdownOutput();
                assertEquals(-1, before.getInputStream().read());
                d.awaitLog("spawner of nobody (pid " + first + "): closed after its last program of the table before");
                assertTrue(await(() -> ProcessHandle.of(first).isEmpty()), "the retired spawner exits");
                assertEquals(List.of(second), d.spawners());
                assertTrue(d.log().stream().noneMatch(l -> l.contains("ending it")), "closed, not ended: " + d.log());
            }
        }
    }

    @Test
    void aUserAddedToAGroupHasItInTheProgramsStartedAfterAReloadWhoseSpawnerIsANewOne() throws Exception {
        for (var tool : List.of("useradd", "groupadd", "usermod", "userdel", "groupdel")) {
            assumeTrue(Files.isExecutable(Path.of("/usr/sbin", tool)), "no /usr/sbin/" + tool + " here");
        }
        // A user and a group of this test alone: the groups of a real account are not for a test to change.
        var digits = Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
        var user = "jinetdgrp" + digits;
        var group = "jinetdgx" + digits;
        try {
            mustRun("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
            mustRun("/usr/sbin/groupadd", "--system", group);
            try (var d = TestDaemon.start("services: {groups: {bind: 127.0.0.1, user: " + user + ", "
                    + "exec: [/bin/sh, -c, 'echo $PPID; id -Gn']}}")) {
                var before = Clients.exchange(d.port("groups"), "").lines().toList();
                int first = Integer.parseInt(before.get(0));
                assertEquals(List.of(first), d.spawners());
                assertTrue(!List.of(before.get(1).split(" ")).contains(group), "not yet in the group: " + before);
                mustRun("/usr/sbin/usermod", "-aG", group, user);
                // The same text, ports and all: nothing changes but what the system says of the user.
                var reloaded = d.daemon().reload(TestDaemon.table(Files.readString(d.file())));
                assertEquals(List.of("groups"), reloaded.kept(), reloaded.summary());
                d.awaitLog("spawner of " + user + " (pid " + first + "): closed after its last program of the table before");
                assertTrue(await(() -> ProcessHandle.of(first).isEmpty()), "the retired spawner exits");
                var after = Clients.exchange(d.port("groups"), "").lines().toList();
                int second = Integer.parseInt(after.get(0));
                assertNotEquals(first, second, "a program after the reload has a spawner of its own");
                assertEquals(List.of(second), d.spawners());
                assertTrue(List.of(after.get(1).split(" ")).contains(group), "in the group now: " + after);
            }
        } finally {
            // Both go whatever happened above; one that was never made is no failure here.
            run("/usr/sbin/userdel", user);
            run("/usr/sbin/groupdel", group);
        }
    }

    @Test
    void programsOfUsersPastMaxSpawnersGoThroughSetprivAndSaySo() throws Exception {
        try (var d = TestDaemon.start("""
                max_spawners: 1
                services:
                  first: {bind: 127.0.0.1, user: nobody, exec: [/bin/sh, -c, 'echo $PPID; id -un']}
                  second: {bind: 127.0.0.1, user: daemon, exec: [/bin/sh, -c, 'echo $PPID; id -un']}
                """)) {
            var launches = d.daemon().table().services().stream().map(s -> s.launch().shown()).toList();
            assertTrue(launches.get(0).contains("(as nobody via spawner, inherit)"), launches.toString());
            assertTrue(launches.get(1).contains("(as daemon via setpriv, past max_spawners, inherit)"), launches.toString());
            var first = Clients.exchange(d.port("first"), "").lines().toList();
            var second = Clients.exchange(d.port("second"), "").lines().toList();
            assertEquals("nobody", first.get(1));
            assertEquals("daemon", second.get(1));
            assertEquals(List.of(Integer.parseInt(first.get(0))), d.spawners(), "one spawner, of nobody");
            assertEquals(ProcessHandle.current().pid(), Long.parseLong(second.get(0)),
                    "the program of daemon is the daemon's own child, through setpriv");
        }
    }

    private static String firstLine(java.net.Socket client) throws java.io.IOException {
        var line = new StringBuilder();
        for (int c; (c = client.getInputStream().read()) >= 0 && c != '\n'; ) {
            line.append((char) c);
        }
        return line.toString();
    }

    /** Waits until the daemon has heard from the spawner that the program runs: its connection shows its pid. */
    private static void awaitRunning(TestDaemon d) throws InterruptedException {
        assertTrue(await(() -> d.daemon().connections().stream().anyMatch(c -> c.pid().isPresent())),
                "the spawner said the program runs");
    }

    /** Nothing is left of the spawner's session: not it, not a program, not a grandchild. */
    private static void assertGone(int spawner) throws InterruptedException {
        assertTrue(await(() -> Sessions.members(spawner).isEmpty()),
                "left in the spawner's session: " + Sessions.members(spawner));
    }

    /** No connection, no program is counted any more. */
    private static void assertNothingCounted(TestDaemon d) throws InterruptedException {
        assertTrue(d.awaitIdle(Duration.ofSeconds(10)), "connections still live");
        assertTrue(await(() -> d.daemon().children() == 0), "programs still counted: " + d.daemon().children());
    }

    /** The state letter of process {@code pid} (R, S, Z...), or Z if it is gone. */
    private static char stateOf(int pid) {
        try {
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (java.io.IOException e) {
            return 'Z';
        }
    }

    /** Processes whose session is {@code sid}, zombies among them. */
    private static long withSession(int sid) {
        try (var all = Files.list(Path.of("/proc"))) {
            return all.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).filter(p -> {
                try {
                    var stat = Files.readString(p.resolve("stat"));
                    return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3].equals(Integer.toString(sid));
                } catch (java.io.IOException | RuntimeException e) {
                    return false;
                }
            }).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code command}, which must succeed. */
    private static void mustRun(String... command) throws Exception {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " never ended");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + said);
    }

    /** Runs {@code command} to its end (a minute at most), whatever it says. */
    private static void run(String... command) throws Exception {
        var process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
