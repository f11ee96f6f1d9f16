package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The built distribution, as an administrator runs it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherIT {
    /** SIGINT (2) in a signal mask of /proc/PID/status. */
    private static final long SIGINT_BIT = 1L << (2 - 1);

    @TempDir
    Path dir;

    @Test
    void runsTheExampleTableAndStopsCleanlyOnSigterm() throws Exception {
        try (var jinetd = Launched.start("run", "-c", "../conf/services.yaml")) {
            jinetd.awaitErr("ready: 12 services listening");
            // Its tls: service is a comment: the quick compiler alone.
            assertTrue(arguments(jinetd.pid()).contains("-XX:TieredStopAtLevel=1"), arguments(jinetd.pid()).toString());
            assertEquals("hi", Clients.exchange(7007, "hi"));
            jinetd.awaitErr("service=echo peer=127.0.0.1:");
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            assertTrue(jinetd.err().contains("stop: SIGTERM received"), jinetd.err());
            assertTrue(jinetd.err().contains("stopped"), jinetd.err());
        }
    }

    /** The arguments of the process {@code pid}, as the kernel has them. */
    static List<String> arguments(long pid) throws java.io.IOException {
        return List.of(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
                java.nio.charset.StandardCharsets.UTF_8).split("\0"));
    }

    /**
     * A table whose folder others may write in (a sticky one, as /tmp): while the launcher looks
     * there for {@code tls:}, as root and before any trust is checked, a file swapped for a FIFO
     * again and again never holds the start (a FIFO's open waits for a writer that never comes).
     */
    @Test
    void aFileSwappedForAFifoBesideTheTableNeverHoldsTheStart() throws Exception {
        var folder = Files.createDirectory(dir.resolve("shared"));
        var table = folder.resolve("services.yaml");
        Files.writeString(table, "control_socket: none\ninclude: [conf.d/*.yaml]\nservices: {}\n");
        var included = Files.createDirectory(folder.resolve("conf.d"));
        // The two kinds of file swapped in, linked from outside the folder looked in.
        var regular = Files.writeString(dir.resolve("regular"), "services: {}\n");
        var fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        var swapped = included.resolve("x.yaml");
        var next = included.resolve("x.next");
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var swaps = new java.util.concurrent.atomic.AtomicLong();
        var swapper = Thread.ofPlatform().start(() -> {
            try {
                while (!stop.get()) {
                    Files.deleteIfExists(next);
                    Files.createLink(next, swaps.getAndIncrement() % 2 == 0 ? fifo : regular);
                    Files.move(next, swapped, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            // -version: the JVM the launcher starts says its version and ends, so that each
            // start is the launcher's own work and a JVM's start-up.
            for (int start = 0; start < 25; start++) {
                try (var launched = Launched.start(Map.of("JINETD_JAVA_OPTS", "-version"), "run", "-c", table.toString())) {
                    assertEquals(0, launched.exit(), launched.err());
                }
            }
            assertTrue(swapper.isAlive() && swaps.get() > 100, "the file was swapped " + swaps.get() + " times");
        } finally {
            stop.set(true);
            swapper.join();
        }
    }

    @Test
    void sighupReloadsTheTableAndABadTableChangesNothing() throws Exception {
        int first = TestDaemon.freePort();
        int second = TestDaemon.freePort();
        var table = dir.resolve("services.yaml");
        Files.writeString(table, "control_socket: none\nservices: {echo: {bind: 127.0.0.1, port: %d, handler: echo}}"
                .formatted(first));
        try (var jinetd = Launched.start("run", "-c", table.toString())) {
            jinetd.awaitErr("ready:");
            Files.writeString(table, """
                    control_socket: none
                    services:
                      echo: {bind: 127.0.0.1, port: %d, handler: echo}
                      daytime: {bind: 127.0.0.1, port: %d, handler: daytime}
                    """.formatted(first, second));
            jinetd.signal("HUP");
            jinetd.awaitErr("reloaded " + table + ": 1 kept, 1 added, 0 removed, 0 failed");
            assertTrue(Clients.exchange(second, "").endsWith("\r\n"));
            Files.writeString(table, "control_socket: none\nservices: {echo: {bind: 127.0.0.1, port: 0, handler: echo}}");
            jinetd.signal("HUP");
            jinetd.awaitErr("reload: " + table + " has 1 problem; still serving the table loaded before");
            assertTrue(jinetd.err().contains(table + ":2:42: 'port' is 0, out of range"), jinetd.err());
            assertEquals("hi", Clients.exchange(first, "hi"));
            assertTrue(Clients.exchange(second, "").endsWith("\r\n"));
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
        }
    }

    /**
     * SIGINT as Ctrl-C sends it. A shell without job control starts its background jobs with
     * SIGINT ignored (a build run with {@code &} or nohup, some CI runners), every process below
     * inherits that, and the JVM keeps an ignored SIGINT ignored, as a daemon should: so the
     * launcher is started through {@code env --default-signal=INT}, which sets SIGINT back to its
     * default before it execs.
     */
    @Test
    void sigintStopsItToo() throws Exception {
        assumeTrue(resetsSigint(), "env --default-signal (coreutils 8.31 or later) is not available to undo an "
                + "ignored SIGINT that this test may have inherited");
        var table = TestDaemon.write("services: {echo: {bind: 127.0.0.1, handler: echo}}");
        try (var jinetd = Launched.under(List.of("env", "--default-signal=INT"), Map.of(), "run", "-c",
                table.toString())) {
            jinetd.awaitErr("ready:");
            assertEquals(0, ignored(jinetd.pid()) & SIGINT_BIT, "SIGINT is still ignored in the daemon");
            jinetd.signal("INT");
            assertEquals(0, jinetd.exit());
            assertTrue(jinetd.err().contains("stop: SIGINT received"), jinetd.err());
        }
    }

    /** Whether {@code env} here can set a signal back to its default for the program it runs. */
    private static boolean resetsSigint() throws Exception {
        var probe = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }

    /** The signals process {@code pid} ignores, as the kernel says (SigIgn of /proc/PID/status). */
    private static long ignored(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).map(l -> Long.parseUnsignedLong(l.substring(7).strip(), 16))
                .findFirst().orElseThrow();
    }

    @Test
    void aPortThatCannotBeBoundStopsTheStartWithStatusThreeNamingEachService() throws Exception {
        var loopback = InetAddress.getLoopbackAddress();
        try (var taken = new ServerSocket(0, 50, loopback); var taken2 = new ServerSocket(0, 50, loopback)) {
            var table = TestDaemon.write("""
                    services:
                      one: {bind: 127.0.0.1, port: %d, handler: echo}
                      two: {bind: 127.0.0.1, port: %d, handler: daytime}
                    """.formatted(taken.getLocalPort(), taken2.getLocalPort()));
            try (var jinetd = Launched.start("run", "-c", table.toString())) {
                assertEquals(3, jinetd.exit());
                assertTrue(jinetd.err().contains("one/tcp: bind 127.0.0.1:%d: address already in use"
                        .formatted(taken.getLocalPort())), jinetd.err());
                assertTrue(jinetd.err().contains("two/tcp: bind 127.0.0.1:%d: address already in use"
                        .formatted(taken2.getLocalPort())), jinetd.err());
                assertTrue(!jinetd.err().contains("ready:"), jinetd.err());
            }
        }
    }

    @Test
    void aBadTableIsReportedAndRunExitsOne() throws Exception {
        var table = dir.resolve("bad.yaml");
        Files.writeString(table, "services:\n  echo: {port: 7, handler: ekko}\n");
        try (var jinetd = Launched.start("run", "-c", table.toString())) {
            assertEquals(1, jinetd.exit());
            assertTrue(jinetd.err().startsWith(table + ":2:28: handler 'ekko' is not known"), jinetd.err());
        }
    }

    @Test
    void runsOnItsOwnRuntimeThroughALinkWithNoJdkAnywhere() throws Exception {
        var link = Files.createSymbolicLink(dir.resolve("jinetd"), Launched.LAUNCHER);
        var env = new HashMap<String, String>();
        env.put("JAVA_HOME", null);
        env.put("PATH", "/usr/bin:/bin");
        env.put("JINETD_JDK_DIRS", dir.toString());
        var table = TestDaemon.write("services: {echo: {bind: 127.0.0.1, handler: echo}}");
        try (var jinetd = Launched.start(link, env, "run", "-c", table.toString())) {
            jinetd.awaitErr("ready:");
            var runtime = Launched.LAUNCHER.getParent().resolveSibling("runtime").resolve("bin/java");
            assertEquals(runtime.toRealPath(), Files.readSymbolicLink(Path.of("/proc", "" + jinetd.pid(), "exe")));
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
        }
    }

    /**
     * Any user may read what the distribution runs: a jar rewritten in the build (picocli's,
     * for the AOT cache) keeps its mode, or everyone but root would fail to load it wherever
     * the cache is not used.
     */
    @Test
    void everyJarAndCacheIsReadableByAll() throws Exception {
        var lib = Launched.LAUNCHER.getParent().resolveSibling("lib");
        try (var files = Files.list(lib)) {
            var unreadable = files.filter(f -> {
                try {
                    return !Files.getPosixFilePermissions(f).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
                } catch (java.io.IOException e) {
                    return true;
                }
            }).map(f -> f.getFileName().toString()).toList();
            assertEquals(java.util.List.of(), unreadable);
        }
        assertTrue(Files.exists(lib.resolve("picocli.jar")));
    }

    /** The launcher as it was before the build made a runtime: a copy beside lib/, without runtime/. */
    private Path launcherWithoutRuntime() throws Exception {
        var home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve("bin"));
        var launcher = Files.copy(Launched.LAUNCHER, home.resolve("bin/jinetd"));
        Files.createSymbolicLink(home.resolve("lib"), Launched.LAUNCHER.getParent().resolveSibling("lib"));
        return launcher;
    }

    @Test
    void findsAJava25WhenTheDefaultJavaIsOlderAndJavaHomeIsUnset() throws Exception {
        var env = new HashMap<String, String>();
        env.put("JAVA_HOME", null);
        env.put("PATH", "/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/bin:/bin");
        try (var jinetd = Launched.start(launcherWithoutRuntime(), env, "--version")) {
            assertEquals(0, jinetd.exit(), jinetd.err());
            assertTrue(jinetd.out().contains("Java 25"), jinetd.out());
        }
    }

    @Test
    void saysWhatIsMissingWhenThereIsNoJava25() throws Exception {
        var env = new HashMap<String, String>();
        env.put("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64");
        env.put("PATH", "/usr/bin:/bin");
        env.put("JINETD_JDK_DIRS", dir.toString());
        try (var jinetd = Launched.start(launcherWithoutRuntime(), env, "--version")) {
            assertEquals(69, jinetd.exit());
            assertTrue(jinetd.err().startsWith("jinetd: needs Java 25 or later, and found none.\n"), jinetd.err());
            assertTrue(jinetd.err().contains("too old or unusable: /usr/lib/jvm/java-17-openjdk-amd64/bin/java"),
                    jinetd.err());
        }
    }

    @Test
    void withoutTheExportItFallsBackToTheBridgeWithOneWarning() throws Exception {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var table = TestDaemon.write("services: {env: {bind: 127.0.0.1, user: root, exec: [/bin/sh, -c, "
                + "'readlink /proc/$$/fd/0 | cut -d: -f1']}}");
        var process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", "target/jinetd/lib/*",
                "org.jinetd.daemon.cli.Main", "run", "-c", table.toString()).start();
        try {
            var err = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream()));
            var lines = new java.util.ArrayList<String>();
            String line;
            while ((line = err.readLine()) != null && !line.contains("ready:")) {
                lines.add(line);
            }
            assertEquals(1, lines.stream().filter(l -> l.contains("io=inherit is not available")).count(),
                    String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> l.contains("does not export sun.nio.ch")), String.join("\n", lines));
            var port = (int) Files.readAllLines(table).stream().filter(l -> l.contains("port:")).findFirst()
                    .map(l -> Integer.parseInt(l.replaceAll("\\D", ""))).orElseThrow();
            assertEquals("pipe\n", Clients.exchange(port, ""));
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theJarRunsWithJavaJarAlone() throws Exception {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(java, "-jar", "target/jinetd/lib/jinetd-daemon.jar", "check", "-c",
                "../conf/services.yaml").redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertTrue(!output.contains("WARNING"), output);
    }

}
