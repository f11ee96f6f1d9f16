package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spawner is its user's, not its user's attackers': another process of the same user
 * (nobody is shared by many daemons) cannot take its descriptors (the clients' sockets, the
 * daemon's socket) or trace it, while the programs it starts are ordinary processes of
 * that user again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpawnerTrustTest {
    /**
     * Tries to take descriptor N of process P, as pidfd_getfd(2) lets a process of the same user
     * that may trace it; with "ptrace" for N, to attach to P as a debugger would.
     */
    private static final String TAKE_FD = """
            #define _GNU_SOURCE
            #include <errno.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/ptrace.h>
            #include <sys/syscall.h>
            #include <sys/wait.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                if (strcmp(argv[2], "ptrace") == 0) {
                    pid_t pid = atoi(argv[1]);
                    if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) { printf("ptrace: %s\\n", strerror(errno)); return 3; }
                    waitpid(pid, 0, __WALL);
                    ptrace(PTRACE_DETACH, pid, 0, 0);
                    printf("traced it\\n");
                    return 0;
                }
                int pidfd = syscall(SYS_pidfd_open, atoi(argv[1]), 0);
                if (pidfd < 0) { printf("pidfd_open: %s\\n", strerror(errno)); return 1; }
                int fd = syscall(SYS_pidfd_getfd, pidfd, atoi(argv[2]), 0);
                if (fd < 0) { printf("pidfd_getfd: %s\\n", strerror(errno)); return 2; }
                printf("took it\\n");
                return 0;
            }
            """;

    @TempDir
    Path work;

    @BeforeEach
    void asRoot() {
        assumeTrue(System.getProperty("user.name").equals("root"), "a spawner of another user needs a root daemon");
    }

    @Test
    void anotherProcessOfTheUserCannotTakeTheSpawnersSocketsButCanTakeItsOwnPrograms() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed (.ci/run installs it)");
        var source = work.resolve("take.c");
        Files.writeString(source, TAKE_FD);
        var tool = work.resolve("take");
        var gcc = new ProcessBuilder("/usr/bin/gcc", "-o", tool.toString(), source.toString()).redirectErrorStream(true)
                .start();
        var gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, gcc.waitFor(), gccOut);
        // The tool is run as nobody: it must be able to reach it.
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var d = TestDaemon.start("services: {held: {bind: 127.0.0.1, user: nobody, "
                + "exec: [/bin/sh, -c, 'echo $$; exec sleep 60']}}");
             var client = Clients.connect(d.port("held"))) {
            var line = new StringBuilder();
            for (int c; (c = client.getInputStream().read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            int program = Integer.parseInt(line.toString());
            int spawner = d.spawners().getFirst();
            // The spawner's descriptor 3 is its socket to the daemon; the program's 0 is the client's socket.
            assertEquals("pidfd_getfd: Operation not permitted", asNobody(tool.toString(), spawner, 3),
                    "another process of nobody took the spawner's socket");
            assertTrue(!listable("/proc/" + spawner + "/fd"), "another process of nobody lists the spawner's descriptors");
            assertEquals("took it", asNobody(tool.toString(), program, 0),
                    "a program is dumpable again once it has exec'd, as any process of its user");
            // Where Yama lets a process trace any other of its user, the program can be traced
            // and the spawner still cannot: it is the spawner's own non-dumpable state that refuses.
            var yama = Path.of("/proc/sys/kernel/yama/ptrace_scope");
            if (!Files.exists(yama) || Files.readString(yama).strip().equals("0")) {
                assertEquals("ptrace: Operation not permitted", asNobody(tool.toString(), spawner, "ptrace"),
                        "another process of nobody traced the spawner");
                assertEquals("traced it", asNobody(tool.toString(), program, "ptrace"));
            }
        }
    }

    private static String asNobody(String tool, int pid, int fd) throws IOException, InterruptedException {
        return asNobody(tool, pid, Integer.toString(fd));
    }

    private static String asNobody(String tool, int pid, String what) throws IOException, InterruptedException {
        var process = new ProcessBuilder(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", "--inh-caps=-all", tool, Integer.toString(pid), what))
                .redirectErrorStream(true).start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        process.waitFor();
        return out;
    }

    private static boolean listable(String directory) throws IOException, InterruptedException {
        var process = new ProcessBuilder(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", "/bin/ls", directory)).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor() == 0;
    }
}
