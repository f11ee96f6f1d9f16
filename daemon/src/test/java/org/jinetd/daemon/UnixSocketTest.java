package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.log.ConnectionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnixSocketTest {
    @TempDir
    Path dir;


    @Test
    void servesAUnixSocketWithItsModeAndTellsTheProgramWhoConnected() throws Exception {
        var echo = dir.resolve("echo.sock");
        var who = dir.resolve("who.sock");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var d = TestDaemon.start("""
                services:
                  echo: {protocol: unix, path: %s, socket_mode: '0660', handler: echo}
                  who: {protocol: unix, path: %s, user: root, exec: [/bin/sh, -c, 'echo "$PROTO $UNIXREMOTEPID $UNIXREMOTEUID $UNIXREMOTEGID $UNIXLOCALPATH"']}
                """.formatted(echo, who))) {
            assertEquals("over unix", Clients.exchange(echo, "over unix"));
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(echo)));
            var fields = Clients.exchange(who, "").strip().split(" ");
            assertEquals("UNIX", fields[0]);
            assertEquals(Long.toString(ProcessHandle.current().pid()), fields[1]);
            assertEquals(Files.getAttribute(dir, "unix:uid").toString(), fields[2]);
            assertEquals(who.toString(), fields[4]);
            assertTrue(d.awaitLog("service=echo ").startsWith("service=echo peer="));
        }
        // Stopping removes the socket files.
        assertTrue(!Files.exists(echo));
    }

    @Test
    void aStaleSocketFileIsReplacedButAnyOtherFileIsNot() throws Exception {
        var stale = dir.resolve("stale.sock");
        try (var left = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            left.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale));
        try (var d = TestDaemon.start("services: {s: {protocol: unix, path: %s, handler: echo}}".formatted(stale))) {
            assertEquals("fresh", Clients.exchange(stale, "fresh"));
        }
        var regular = dir.resolve("notes.txt");
        Files.writeString(regular, "keep me");
        var table = ((Loaded.Ok) Config.load(TestDaemon.write(
                "services: {s: {protocol: unix, path: %s, handler: echo}}".formatted(regular)))).table();
        var failure = assertThrows(Daemon.StartFailure.class, () -> Daemon.start(table, new ConnectionLog()));
        assertEquals("s/unix: bind %1$s: '%1$s' exists and is not a socket; not replacing it".formatted(regular),
                failure.failures().getFirst());
        assertEquals("keep me", Files.readString(regular));
    }
}
