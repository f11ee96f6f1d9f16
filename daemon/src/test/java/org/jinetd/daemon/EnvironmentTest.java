package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service's {@code env} reaches the program only: the wrappers that run as root before
 * the switch of user (prlimit, nice, the umask's shell, setpriv) never see it, nor does the
 * spawner of the user, nor setpriv that starts it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EnvironmentTest {
    /** A library that writes, as it is loaded, who loaded it: uid, euid and the process's name. */
    private static final String HOOK = """
            #include <fcntl.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            __attribute__((constructor)) static void loaded(void) {
                char comm[64] = "?";
                int c = open("/proc/self/comm", O_RDONLY);
                if (c >= 0) { ssize_t n = read(c, comm, sizeof comm - 1); if (n > 0) comm[n - 1] = 0; close(c); }
                char line[160];
                int len = snprintf(line, sizeof line, "uid=%d euid=%d comm=%s\\n", getuid(), geteuid(), comm);
                int out = open(getenv("HOOK_LOG"), O_WRONLY | O_APPEND);
                if (out >= 0) { write(out, line, len); close(out); }
            }
            """;

    @Test
    void aPreloadedLibraryIsLoadedInTheProgramAsItsUserAndNeverAsRoot() throws Exception {
        var hook = hook();
        // Every wrapper runs: prlimit (rlimits), nice, the umask's shell, setpriv (nobody).
        try (var d = TestDaemon.start("""
                services:
                  hooked:
                    bind: 127.0.0.1
                    user: nobody
                    rlimits: {core: 0}
                    nice: 1
                    umask: '022'
                    env: {LD_PRELOAD: %s, HOOK_LOG: %s, LD_LIBRARY_PATH: /nonexistent/lib, GCONV_PATH: /nonexistent/gconv}
                    exec: [/bin/sh, -c, 'echo "$LD_LIBRARY_PATH $GCONV_PATH $(id -u)"']
                """.formatted(hook.library(), hook.log()))) {
            assertEquals("/nonexistent/lib /nonexistent/gconv 65534\n", Clients.exchange(d.port("hooked"), ""));
            d.awaitLog("service=hooked peer=");
        }
        assertLoadedOnlyAsNobody(hook.log(), "comm=sh");
    }

    @Test
    void throughTheSpawnerAPreloadedLibraryIsLoadedInTheProgramAsItsUserAndNeverAsRoot() throws Exception {
        var hook = hook();
        // One program spawned by the spawner directly, one behind nice and env (umask set by the spawner).
        try (var d = TestDaemon.start("""
                services:
                  direct:
                    bind: 127.0.0.1
                    user: nobody
                    cwd: /tmp
                    env: {LD_PRELOAD: %1$s, HOOK_LOG: %2$s, LD_LIBRARY_PATH: /nonexistent/lib}
                    exec: [/bin/sh, -c, 'echo "$LD_LIBRARY_PATH $(id -u) $(umask) $(pwd)"']
                  wrapped:
                    bind: 127.0.0.1
                    user: nobody
                    nice: 1
                    umask: '027'
                    env: {LD_PRELOAD: %1$s, HOOK_LOG: %2$s, GCONV_PATH: /nonexistent/gconv}
                    exec: [/bin/sh, -c, 'echo "$GCONV_PATH $(id -u) $(umask) $(nice)"']
                """.formatted(hook.library(), hook.log()))) {
            assertEquals("/nonexistent/lib 65534 0022 /tmp\n", Clients.exchange(d.port("direct"), ""));
            assertEquals("/nonexistent/gconv 65534 0027 1\n", Clients.exchange(d.port("wrapped"), ""));
            assertTrue(((org.jinetd.daemon.config.Launch.Exec) d.daemon().table().service("wrapped").orElseThrow()
                    .launch()).shown().contains("via spawner"));
            d.awaitLog("service=wrapped peer=");
        }
        // Loaded by the programs (and what they ran), never by the spawner, setpriv or a wrapper.
        var lines = assertLoadedOnlyAsNobody(hook.log(), "comm=sh");
        assertTrue(lines.stream().noneMatch(l -> l.contains("comm=java") || l.contains("comm=setpriv")),
                String.join("\n", lines));
    }

    /** A library that logs who loads it, and its log (writable by all), in a directory all can read. */
    private record Hook(Path library, Path log) {}

    private static Hook hook() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed (.ci/run installs it)");
        assumeTrue(System.getProperty("user.name").equals("root"), "switching to nobody needs root");
        var dir = Files.createTempDirectory("jinetd-preload");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var source = dir.resolve("hook.c");
        var hook = dir.resolve("hook.so");
        var log = dir.resolve("loaded.log");
        Files.writeString(source, HOOK);
        var gcc = new ProcessBuilder("/usr/bin/gcc", "-shared", "-fPIC", "-o", hook.toString(), source.toString())
                .redirectErrorStream(true).start();
        var gccOut = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), gccOut);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createFile(log);
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
        return new Hook(hook, log);
    }

    /** Every line of the hook's log is nobody's, and one is {@code program}'s; returns the lines. */
    private static java.util.List<String> assertLoadedOnlyAsNobody(Path log, String program) throws Exception {
        var lines = Files.readAllLines(log);
        assertFalse(lines.isEmpty(), "the library was loaded in the program");
        assertTrue(lines.contains("uid=65534 euid=65534 " + program), String.join("\n", lines));
        for (var line : lines) {
            assertTrue(line.startsWith("uid=65534 euid=65534 "), "loaded by another user: " + line);
        }
        return lines;
    }

    @Test
    void withoutWrappersTheProgramGetsItsEnvironmentAsWritten() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  plain:
                    bind: 127.0.0.1
                    user: %s
                    env: {GREETING: 'a b=c $HOME "q"', EMPTY: ''}
                    exec: [/bin/sh, -c, 'printf "%%s|%%s|%%s\\n" "$GREETING" "$EMPTY" "$JINETD_SERVICE"']
                """.formatted(System.getProperty("user.name")))) {
            assertEquals("a b=c $HOME \"q\"||plain\n", Clients.exchange(d.port("plain"), ""));
        }
    }

    @Test
    void behindWrappersValuesAreNotReadByAShell() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  helped:
                    bind: 127.0.0.1
                    umask: '077'
                    user: %s
                    env: {GREETING: 'a b=c $HOME "q" `id`', EMPTY: ''}
                    exec: [/bin/sh, -c, 'printf "%%s|%%s|%%s|%%s\\n" "$GREETING" "$EMPTY" "$JINETD_SERVICE" "$(umask)"']
                """.formatted(System.getProperty("user.name")))) {
            assertEquals("a b=c $HOME \"q\" `id`||helped|0077\n", Clients.exchange(d.port("helped"), ""));
        }
    }

    @Test
    void behindWrappersAProgramWhosePathHoldsAnEqualsSignIsRunNotTakenForAVariable() throws Exception {
        var dir = Files.createDirectories(Files.createTempDirectory("jinetd-env").resolve("a=b"));
        var program = Files.writeString(dir.resolve("greet"), "#!/bin/sh\necho \"$GREETING $1\"\n");
        program.toFile().setExecutable(true, false);
        try (var d = TestDaemon.start("""
                services:
                  equals: {bind: 127.0.0.1, umask: '022', user: %s, env: {GREETING: hi}, exec: [%s, there]}
                """.formatted(System.getProperty("user.name"), program))) {
            assertEquals("hi there\n", Clients.exchange(d.port("equals"), ""));
        }
    }
}
