package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line believes a control socket only when root or its own user listens on it:
 * a "daemon" of another user's that answers "stopped" is not believed, and is not even asked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlPeerTest {
    /**
     * Answers every request with "stopped", as a real daemon would; says on stdout what it was
     * sent. With a second argument {@code exits}, it then exits, as a real daemon does.
     */
    private static final String FAKE = """
            import java.io.*;
            import java.net.*;
            import java.nio.channels.*;
            import java.nio.file.*;
            public class Fake {
                public static void main(String[] args) throws Exception {
                    var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                    server.bind(UnixDomainSocketAddress.of(Path.of(args[0])));
                    Files.setPosixFilePermissions(Path.of(args[0]), java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
                    System.out.println("ready");
                    while (true) {
                        try (var client = server.accept()) {
                            var line = new BufferedReader(new InputStreamReader(Channels.newInputStream(client))).readLine();
                            System.out.println(line == null ? "sent nothing" : "sent " + line);
                            var out = Channels.newOutputStream(client);
                            out.write("{\\"ok\\":true,\\"message\\":\\"stopped\\"}\\n".getBytes());
                            out.flush();
                            if (args.length > 1 && line != null) {
                                System.out.flush();
                                Runtime.getRuntime().halt(0);
                            }
                        } catch (IOException e) {
                            System.out.println("sent nothing");
                        }
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    /** The fake daemon, and what it says on stdout. */
    private record Fake(Process process, BufferedReader said) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            process.destroyForcibly().waitFor();
        }
    }

    private Fake fake(List<String> prefix, Path socket, String... more) throws Exception {
        var source = dir.resolve("Fake.java");
        Files.writeString(source, FAKE);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
        var command = new ArrayList<>(prefix);
        command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), source.toString(),
                socket.toString()));
        command.addAll(List.of(more));
        var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var fake = new Fake(process, new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)));
        assertEquals("ready", fake.said().readLine());
        return fake;
    }

    @Test
    void aSocketHeldByAnotherUserIsNotBelieved() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "needs root to run the fake as nobody");
        var theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setOwner(theirs, FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        var socket = theirs.resolve("control.sock");
        try (var fake = fake(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"), socket)) {
            var stop = Cli.run("stop", "--socket", socket.toString());
            assertEquals(4, stop.code(), stop.err());
            assertEquals("", stop.out());
            assertTrue(stop.err().startsWith("jinetd: " + socket + " is held by uid 65534 (pid "), stop.err());
            assertTrue(stop.err().contains("neither root nor this user (uid 0); not believing it"), stop.err());
            assertEquals("sent nothing", fake.said().readLine(), "the request never left the command line");

            var status = Cli.run("status", "--socket", socket.toString());
            assertEquals(4, status.code(), status.err());
            assertTrue(status.err().contains("is held by uid 65534"), status.err());
            assertEquals("sent nothing", fake.said().readLine());
        }
    }

    @Test
    void theSameAnswerFromOwnUserIsBelieved() throws Exception {
        var socket = dir.resolve("control.sock");
        try (var fake = fake(List.of(), socket, "exits")) {
            var stop = Cli.run("stop", "--socket", socket.toString());
            assertEquals(0, stop.code(), stop.err());
            assertEquals("stopped\n", stop.out());
            assertTrue(fake.said().readLine().startsWith("sent {\"command\":\"stop\""));
            assertTrue(!fake.process().isAlive() || fake.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void aDaemonThatSaysItStoppedButStaysIsNotTakenAtItsWord() throws Exception {
        var socket = dir.resolve("control.sock");
        try (var fake = fake(List.of(), socket)) {
            var stop = Cli.run("stop", "--socket", socket.toString());
            assertEquals(70, stop.code(), stop.err());
            assertEquals("", stop.out());
            assertTrue(stop.err().matches("jinetd said it stopped, but its process \\(pid \\d+\\) was still there 10s later\\s*"),
                    stop.err());
            assertTrue(fake.process().isAlive());
        }
    }
}
