package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file jinetd may not read says why, at check, run and reload: "permission denied", not
 * the bare path the JDK puts in its exception. Each command is a real process. Root passes
 * every mode, so as root the commands run without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
 * (util-linux setpriv), which makes root obey the modes as any user does.
 */
@Timeout(120)
class UnreadableFilesTest {
    private static final boolean ROOT = System.getProperty("user.name").equals("root");

    @TempDir
    Path dir;

    /** A command in a process of its own: stdout and stderr kept, read apart so that neither fills. */
    private static final class Command implements AutoCloseable {
        private final Process process;
        private final StringBuffer out = new StringBuffer();
        private final StringBuffer err = new StringBuffer();
        private final Thread outCopy;
        private final Thread errCopy;

        private Command(Process process) {
            this.process = process;
            this.outCopy = Thread.ofVirtual().start(() -> copy(process.getInputStream(), out));
            this.errCopy = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
        }

        static Command start(String... args) throws IOException {
            var command = new ArrayList<String>();
            if (ROOT) {
                command.addAll(List.of("setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"));
            }
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
            command.addAll(List.of(args));
            return new Command(new ProcessBuilder(command).start());
        }

        private static void copy(InputStream in, StringBuffer into) {
            try (in) {
                var bytes = new byte[4096];
                for (int n; (n = in.read(bytes)) >= 0; ) {
                    synchronized (into) {
                        into.append(new String(bytes, 0, n, StandardCharsets.UTF_8));
                        into.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        String err() {
            return err.toString();
        }

        /** The exit status, once the process has ended and all it wrote is read. */
        int exit() throws InterruptedException {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command did not end: " + err);
            outCopy.join(Duration.ofSeconds(30));
            errCopy.join(Duration.ofSeconds(30));
            return process.exitValue();
        }

        void awaitErr(String text) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            synchronized (err) {
                while (err.indexOf(text) < 0) {
                    long left = deadline - System.nanoTime();
                    assertTrue(left > 0 && process.isAlive(), "stderr never said '" + text + "':\n" + err);
                    err.wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static String fileFix() {
        return ROOT ? "a file root may read: mind the modes of it and of each directory above it (this process has no "
                + "CAP_DAC_OVERRIDE to pass them)"
                : "a file uid %d may read: mind the modes of it and of each directory above it, or run as root"
                        .formatted(new com.sun.security.auth.module.UnixSystem().getUid());
    }

    private static String uid() {
        return Long.toString(new com.sun.security.auth.module.UnixSystem().getUid());
    }

    @Test
    void aTableNoOneMayReadSaysPermissionDeniedAtCheckAndRun() throws Exception {
        var table = Files.writeString(dir.resolve("services.yaml"), "services: {}\n");
        Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("---------"));
        var problem = table + ":1:1: cannot read: permission denied to uid " + uid() + " (expected " + fileFix() + ")";
        try (var check = Command.start("check", "-c", table.toString())) {
            assertEquals(1, check.exit(), check.err());
            assertEquals(problem + "\n" + table + ": 1 problem\n", check.err());
        }
        try (var run = Command.start("run", "-c", table.toString())) {
            assertEquals(1, run.exit(), run.err());
            assertTrue(run.err().contains(problem + "\n"), run.err());
            assertTrue(run.err().contains("has 1 problem; not starting"), run.err());
        }
    }

    @Test
    void anIncludedFileOrDirectoryNoOneMayReadSaysSoAtCheckAndReload() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var confd = Files.createDirectory(dir.resolve("conf.d"));
        var included = Files.writeString(confd.resolve("a.yaml"), "services: {}\n");
        var socket = dir.resolve("control.sock");
        var table = Files.writeString(dir.resolve("services.yaml"), """
                control_socket: %s
                include: [conf.d/*.yaml]
                services:
                  echo: {bind: 127.0.0.1, port: 0, handler: echo}
                """.formatted(socket).replace("port: 0", "port: " + org.jinetd.daemon.TestDaemon.freePort()));
        try (var daemon = Command.start("run", "-c", table.toString())) {
            // The control socket listens once the services do: the last thing a start does.
            daemon.awaitErr("control: listening on " + socket);
            Files.setPosixFilePermissions(included, PosixFilePermissions.fromString("---------"));
            // The daemon reads the table; the command that asks it is this test's.
            var reload = Cli.run("reload", "-c", table.toString());
            assertEquals(1, reload.code(), reload.err());
            assertTrue(reload.err().startsWith(included + ":1:1: cannot read: permission denied to uid " + uid()
                    + " (expected " + fileFix() + ")\n"), reload.err());
            Files.setPosixFilePermissions(included, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(confd, PosixFilePermissions.fromString("---------"));
            try (var check = Command.start("check", "-c", table.toString())) {
                assertEquals(1, check.exit(), check.err());
                assertTrue(check.err().startsWith(table + ":2:11: include 'conf.d/*.yaml': cannot list " + confd
                        + ": permission denied to uid " + uid() + " (expected a directory "), check.err());
            }
            var again = Cli.run("reload", "-c", table.toString());
            assertEquals(1, again.code(), again.err());
            assertTrue(again.err().startsWith(table + ":2:11: include 'conf.d/*.yaml': cannot list " + confd
                    + ": permission denied"), again.err());
        } finally {
            Files.setPosixFilePermissions(confd, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
