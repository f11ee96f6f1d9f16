package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unmodified inetd programs behind {@code tls:}, with their own clients, which reach the
 * daemon inside TLS: rsync through {@code openssl s_client} as the transport it is told to
 * run (RSYNC_CONNECT_PROG), git through a relay of the JDK's TLS client in front, as stunnel's
 * client mode would be. The program reads and writes plaintext on its pipes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsRealProgramsTest {
    @TempDir
    Path dir;
    private TestCertificates.Pair localhost;
    /** Runs the programs: root where the tests run as root, else the tests' user. */
    private final String user = WaitModeTest.users().getFirst();

    @BeforeEach
    void certificate() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        localhost = new TestCertificates(dir).selfSigned("localhost", "ec", "localhost");
    }

    private String tls() {
        return "{certificate: %s, key: %s}".formatted(localhost.certificate(), localhost.key());
    }

    private static String run(Path cwd, Map<String, String> env, String... command)
            throws Exception {
        var builder = new ProcessBuilder(List.of(command)).directory(cwd.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        var process = builder.start();
        process.getOutputStream().close();
        var output = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try (var in = process.getInputStream()) {
                output.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                output.complete("(its output could not be read: " + e + ")");
            }
        });
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            // A client that waits for ever: it and its transport go, and the test says so.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " still runs after 120 s:\n"
                    + output.get(10, TimeUnit.SECONDS));
        }
        var said = output.get(10, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + said);
        return said;
    }

    /**
     * s_client as a transport: stdin and stdout plaintext, verifying the daemon's certificate
     * for {@code localhost}; what it says of the handshake goes to a file. The end of its input
     * ends its session (close_notify), as the end of a socket's would: -quiet alone would
     * wait for the server's end.
     */
    private String sClient(int port) {
        return ("openssl s_client -quiet -no_ign_eof -connect 127.0.0.1:%d -servername localhost -CAfile %s -verify_hostname "
                + "localhost -verify_return_error 2>>%s").formatted(port, localhost.certificate(), dir.resolve("s_client.log"));
    }

    @Test
    void gitClonesThroughTlsFromGitDaemonInInetdMode() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/git")), "git is not installed (.ci/run installs it)");
        var repo = Files.createDirectories(dir.resolve("srv/project.git"));
        var work = Files.createDirectories(dir.resolve("work"));
        run(work, Map.of(), "git", "init", "-q", "-b", "main");
        Files.writeString(work.resolve("README"), "served by jinetd behind TLS\n");
        run(work, Map.of(), "git", "add", "README");
        run(work, Map.of(), "git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-q", "-m",
                "first");
        var head = run(work, Map.of(), "git", "rev-parse", "HEAD");
        run(dir, Map.of(), "git", "clone", "-q", "--bare", work.toString(), repo.toString());
        var base = dir.resolve("srv");
        try (var d = TestDaemon.start("""
                services:
                  git:
                    bind: 127.0.0.1
                    user: %2$s
                    exec: [/usr/bin/git, daemon, --inetd, --export-all, --base-path=%1$s, %1$s]
                    tls: %3$s
                """.formatted(base, user, tls()))) {
            // git half-closes when it has sent its wants, then reads the pack: its transport must
            // pass that on (close_notify) and go on reading, which s_client cannot.
            try (var relay = new TlsRelay(d.port("git"), TlsClients.trusting(localhost.certificate()),
                    TlsClients.sni("localhost"))) {
                run(dir, Map.of(), "git", "clone", "-q", "git://127.0.0.1:%d/project.git".formatted(relay.port()),
                        dir.resolve("clone").toString());
            }
            var clone = dir.resolve("clone");
            assertEquals(head, run(clone, Map.of(), "git", "rev-parse", "HEAD"));
            assertEquals("served by jinetd behind TLS\n", Files.readString(clone.resolve("README")));
            var line = d.awaitLog("service=git peer=127.0.0.1:");
            assertTrue(line.contains(" tls=TLSv1.3 ") && line.contains(" sni=localhost ") && line.contains(" exit=0 "),
                    line);
            assertTrue(d.daemon().table().service("git").orElseThrow().shownLaunch().contains("bridge (tls)"));
        }
    }

    @Test
    void rsyncFetchesATreeThroughTlsFromItsDaemonOnPipes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/rsync")), "rsync is not installed");
        var files = Files.createDirectories(dir.resolve("files/sub"));
        Files.writeString(files.resolve("a.txt"), "first\n");
        Files.write(dir.resolve("files/big.bin"), new java.util.Random(7).ints(1 << 20).collect(
                java.io.ByteArrayOutputStream::new, (o, i) -> o.write(i), (a, b) -> a.writeBytes(b.toByteArray()))
                .toByteArray());
        for (var path : List.of(dir.resolve("files"), files)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        var config = dir.resolve("rsyncd.conf");
        Files.writeString(config, """
                use chroot = no
                uid = %s
                [files]
                  path = %s
                  read only = yes
                """.formatted(user, dir.resolve("files")));
        // rsync's daemon over a remote shell's pipes, as `rsync -e ssh host::module` starts it:
        // the same daemon protocol as on port 873, on stdin and stdout.
        try (var d = TestDaemon.start("""
                services:
                  rsync:
                    bind: 127.0.0.1
                    user: %s
                    exec: [/usr/bin/rsync, --server, --daemon, --config=%s, .]
                    tls: %s
                """.formatted(user, config, tls()))) {
            var copy = dir.resolve("copy");
            run(dir, Map.of("RSYNC_CONNECT_PROG", sClient(d.port("rsync"))), "rsync", "-a",
                    "rsync://localhost/files/", copy + "/");
            assertEquals("first\n", Files.readString(copy.resolve("sub/a.txt")));
            assertEquals(-1, Files.mismatch(dir.resolve("files/big.bin"), copy.resolve("big.bin")));
            var line = d.awaitLog("service=rsync peer=127.0.0.1:");
            assertTrue(line.contains(" tls=TLSv1.3 ") && line.contains(" exit=0 "), line);
        }
    }
}
