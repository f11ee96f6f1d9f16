package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code wait: true}: the program gets the listening socket; {@code listen_fds}: systemd's way. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WaitModeTest {
    @TempDir
    Path dir;

    /** The users the daemon runs programs as here: itself, and, when it is root, nobody too (through its spawner). */
    static java.util.List<String> users() {
        var self = System.getProperty("user.name");
        return self.equals("root") ? java.util.List.of("root", "nobody") : java.util.List.of(self);
    }

    // tftpd-hpa runs as root only: it always switches to its --user, and exits when it cannot.
    @Test
    void tftpdInUdpWaitModeServesFilesTwiceInARow() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/in.tftpd")) && Files.isExecutable(Path.of("/usr/bin/tftp")),
                "tftpd-hpa and tftp-hpa are not installed (.ci/run installs them)");
        var root = Files.createDirectory(dir.resolve("tftp"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        var content = new byte[100_000];
        new Random(42).nextBytes(content);
        Files.write(root.resolve("boot.bin"), content);
        Files.setPosixFilePermissions(root.resolve("boot.bin"), PosixFilePermissions.fromString("rw-r--r--"));
        try (var d = TestDaemon.start("""
                services:
                  tftp:
                    bind: 127.0.0.1
                    protocol: udp
                    wait: true
                    user: root
                    exec: [/usr/sbin/in.tftpd, --secure, --timeout, "1", --user, nobody, %s]
                """.formatted(root))) {
            for (int round = 1; round <= 2; round++) {
                var target = dir.resolve("got" + round);
                var tftp = new ProcessBuilder("tftp", "127.0.0.1", Integer.toString(d.port("tftp")), "-m", "binary",
                        "-c", "get", "boot.bin", target.toString()).redirectErrorStream(true).start();
                var output = new String(tftp.getInputStream().readAllBytes());
                assertTrue(tftp.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, tftp.exitValue(), output);
                assertArrayEquals(content, Files.readAllBytes(target), "round " + round);
                // in.tftpd exits a second after its last request; then the daemon watches the socket again.
                int ended = round;
                var line = d.awaitLog(l -> l.startsWith("service=tftp peer=- pid=")
                        && d.log().stream().filter(x -> x.startsWith("service=tftp peer=- pid=")).count() >= ended);
                assertTrue(line.contains(" exit=0 "), line);
            }
        }
    }

    @Test
    void aStreamProgramInWaitModeAcceptsByItselfAndIsStartedAgainAfterItExits() throws Exception {
        for (var user : users()) {
            try (var d = TestDaemon.start("""
                    services:
                      acceptor:
                        bind: 127.0.0.1
                        wait: true
                        user: %s
                        exec: [%s, %s]
                    """.formatted(user, java(), program("AcceptsItself.java")))) {
                var first = Clients.exchange(d.port("acceptor"), "");
                assertTrue(first.matches("pid \\d+ client 1\n"), first);
                var line = d.awaitLog("service=acceptor peer=- pid=");
                assertTrue(line.contains(" exit=0 "), line);
                var second = Clients.exchange(d.port("acceptor"), "");
                assertTrue(second.matches("pid \\d+ client 1\n"), second);
                assertTrue(!first.equals(second), "a new program for the second client: " + first + second);
            }
        }
    }

    @Test
    void aDatagramProgramInWaitModeAnswersByItselfAndIsStartedAgainAfterItExits() throws Exception {
        for (var user : users()) {
            try (var d = TestDaemon.start("""
                    services:
                      answers:
                        bind: 127.0.0.1
                        protocol: udp
                        wait: true
                        user: %s
                        # An inherited IPv4 datagram socket: the JDK must not take it for IPv6.
                        exec: [%s, -Djava.net.preferIPv4Stack=true, %s]
                    """.formatted(user, java(), program("AnswersDatagrams.java")))) {
                var address = java.net.InetAddress.getByName("127.0.0.1");
                var first = new String(Clients.datagram(address, d.port("answers"), "a".getBytes()));
                assertTrue(first.matches("pid \\d+ user " + user + " datagram 1\n"), first);
                var second = new String(Clients.datagram(address, d.port("answers"), "b".getBytes()));
                assertEquals(first.replace("datagram 1", "datagram 2"), second, "the same program answers both");
                var line = d.awaitLog("service=answers peer=- pid=");
                assertTrue(line.contains(" exit=0 "), line);
                var third = new String(Clients.datagram(address, d.port("answers"), "c".getBytes()));
                assertTrue(third.matches("pid \\d+ user " + user + " datagram 1\n") && !third.equals(first), third);
            }
        }
    }

    @Test
    void listenFdsPassesTheConnectionAsFd3WithSystemdsVariables() throws Exception {
        for (var user : users()) {
            try (var d = TestDaemon.start("""
                    services:
                      activated:
                        bind: 127.0.0.1
                        listen_fds: true
                        user: %s
                        exec:
                          - /bin/sh
                          - -c
                          - 'echo "pid-matches=$([ "$LISTEN_PID" = $$ ] && echo yes) fds=$LISTEN_FDS names=$LISTEN_FDNAMES fd3=$(readlink /proc/$$/fd/3 | cut -d: -f1) $(id -un)" >&3'
                    """.formatted(user))) {
                assertEquals("pid-matches=yes fds=1 names=activated fd3=socket " + user + "\n",
                        Clients.exchange(d.port("activated"), ""));
            }
        }
    }

    @Test
    void aJavaProgramInheritsTheSocketAndSeesTheClient() throws Exception {
        for (var user : users()) {
            try (var d = TestDaemon.start("""
                    services:
                      inherit: {bind: 127.0.0.1, user: %3$s, exec: [%1$s, %2$s]}
                      bridge: {bind: 127.0.0.1, user: %3$s, io: bridge, exec: [%1$s, %2$s]}
                    """.formatted(java(), program("RemoteAddress.java"), user))) {
                try (var client = Clients.connect(d.port("inherit"))) {
                    var answer = new String(client.getInputStream().readAllBytes());
                    assertEquals("socket /127.0.0.1:" + client.getLocalPort() + "\n", answer, user);
                }
                // Behind pipes there is no socket to inherit.
                assertEquals("inherited null\n", Clients.exchange(d.port("bridge"), ""), user);
            }
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Path program(String name) throws Exception {
        var source = Path.of(WaitModeTest.class.getResource("/programs/" + name).toURI());
        var copy = Files.createTempDirectory("jinetd-program").resolve(name);
        Files.copy(source, copy);
        Files.setPosixFilePermissions(copy.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        return copy;
    }
}
