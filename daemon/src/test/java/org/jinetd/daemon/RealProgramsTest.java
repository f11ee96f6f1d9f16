package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unmodified inetd programs with their real clients. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealProgramsTest {
    @TempDir
    Path dir;

    private static String run(Path cwd, String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(List.of(command)).directory(cwd.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes()).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }

    @Test
    void gitDaemonServesACloneOverGit() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/git")), "git is not installed (.ci/run installs it)");
        var repo = Files.createDirectories(dir.resolve("srv/project.git"));
        var work = Files.createDirectories(dir.resolve("work"));
        run(work, "git", "init", "-q", "-b", "main");
        Files.writeString(work.resolve("README"), "served by jinetd\n");
        run(work, "git", "add", "README");
        run(work, "git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "first");
        var head = run(work, "git", "rev-parse", "HEAD");
        run(dir, "git", "clone", "-q", "--bare", work.toString(), repo.toString());
        var base = dir.resolve("srv");
        for (var user : WaitModeTest.users()) {
            // The repositories are the user's, as git's own safe.directory check wants them.
            chown(base, user);
            try (var d = TestDaemon.start("""
                    services:
                      git:
                        bind: 127.0.0.1
                        user: %2$s
                        exec: [/usr/bin/git, daemon, --inetd, --export-all, --base-path=%1$s, %1$s]
                    """.formatted(base, user))) {
                var clone = dir.resolve("clone-" + user);
                run(dir, "git", "clone", "-q", "git://127.0.0.1:" + d.port("git") + "/project.git", clone.toString());
                assertEquals(head, run(clone, "git", "rev-parse", "HEAD"));
                assertEquals("served by jinetd\n", Files.readString(clone.resolve("README")));
                assertTrue(d.awaitLog("service=git peer=127.0.0.1:").contains(" exit=0 "));
            }
        }
    }

    /** Gives {@code dir} and all in it to {@code user}, readable on the way down from /. */
    private void chown(Path tree, String user) throws IOException {
        var owner = tree.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        for (var parent = tree.getParent(); parent != null && parent.startsWith(dir); parent = parent.getParent()) {
            java.nio.file.Files.setPosixFilePermissions(parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (var all = Files.walk(tree)) {
            for (var path : (Iterable<Path>) all::iterator) {
                Files.setOwner(path, owner);
            }
        }
    }

    @Test
    void aRootDaemonRunsAProgramAsItsUserWithThatUsersGroupsAndNoCapabilities() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "needs a daemon running as root");
        try (var d = TestDaemon.start("""
                services:
                  nobody: {bind: 127.0.0.1, user: nobody, exec: [/bin/sh, -c, '%1$s']}
                  banner: {bind: 127.0.0.1, user: nobody, banner: "hi\\n", exec: [/bin/sh, -c, '%1$s']}
                  unnamed: {bind: 127.0.0.1, exec: [/usr/bin/id, -un]}
                  root: {bind: 127.0.0.1, user: root, exec: [/usr/bin/id, -u]}
                """.formatted("id; grep -E \"^(Uid|Gid|Cap(Eff|Prm|Inh|Amb)):\" /proc/$$/status; echo \"$USER $HOME\""))) {
            var answer = Clients.exchange(d.port("nobody"), "");
            var lines = answer.lines().toList();
            assertTrue(lines.getFirst().matches("uid=65534\\(nobody\\) gid=65534\\(\\w+\\) groups=65534\\(\\w+\\)"),
                    lines.getFirst());
            // Real, effective, saved and filesystem ids: nothing is left of root.
            assertTrue(lines.contains("Uid:\t65534\t65534\t65534\t65534"), answer);
            assertTrue(lines.contains("Gid:\t65534\t65534\t65534\t65534"), answer);
            // Spawned on the listener's thread or, after a banner, on the connection's own: the same.
            assertEquals("hi\n" + answer, Clients.exchange(d.port("banner"), ""));
            assertTrue(lines.contains("CapEff:\t0000000000000000"), String.join("\n", lines));
            assertTrue(lines.contains("CapPrm:\t0000000000000000"), String.join("\n", lines));
            assertTrue(lines.contains("CapAmb:\t0000000000000000"), String.join("\n", lines));
            assertEquals("nobody /nonexistent", lines.getLast());
            assertEquals("nobody\n", Clients.exchange(d.port("unnamed"), ""));
            assertEquals("0\n", Clients.exchange(d.port("root"), ""));
        }
    }
}
