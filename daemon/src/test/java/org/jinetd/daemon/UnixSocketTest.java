package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
        for (var user : WaitModeTest.users()) {
            var echo = dir.resolve("echo.sock");
            var who = dir.resolve("who.sock");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (var d = TestDaemon.start("""
                    services:
                      echo: {protocol: unix, path: %s, socket_mode: '0660', handler: echo}
                      who: {protocol: unix, path: %s, user: %s, exec: [/bin/sh, -c, 'echo "$PROTO $UNIXREMOTEPID $UNIXREMOTEUID $UNIXREMOTEGID $UNIXLOCALPATH"']}
                      where: {protocol: unix, path: %s, handler: replying, options: {bytes: local}}
                    """.formatted(echo, who, user, dir.resolve("where.sock")))) {
                assertEquals("over unix", Clients.exchange(echo, "over unix"));
                // The socket was bound elsewhere and moved into place: a handler still sees the table's path.
                assertEquals(dir.resolve("where.sock").toString(), Clients.exchange(dir.resolve("where.sock"), ""));
                assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(echo)));
                var fields = Clients.exchange(who, "").strip().split(" ");
                assertEquals("UNIX", fields[0], user);
                assertEquals(Long.toString(ProcessHandle.current().pid()), fields[1]);
                assertEquals(Files.getAttribute(dir, "unix:uid").toString(), fields[2]);
                assertEquals(who.toString(), fields[4]);
                assertTrue(d.awaitLog("service=echo ").startsWith("service=echo peer="));
            }
            // Stopping removes the socket files.
            assertTrue(!Files.exists(echo));
        }
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
        assertEquals(table.sources().at("s") + "s/unix: bind %1$s: '%1$s' exists and is not a socket; not replacing it"
                .formatted(regular), failure.failures().getFirst());
        assertEquals("keep me", Files.readString(regular));
    }

    @Test
    void aLinkAtThePathIsReplacedNotFollowed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("user.name").equals("root"),
                "needs root to give the socket to nobody");
        var secret = dir.resolve("secret");
        Files.writeString(secret, "keep me");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        var path = dir.resolve("svc.sock");
        Files.createSymbolicLink(path, secret);
        try (var d = TestDaemon.start("services: {svc: {protocol: unix, path: %s, socket_mode: '0666', socket_user: nobody, handler: echo}}"
                .formatted(path))) {
            assertEquals(0140000, (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000,
                    "a socket, not a link");
            assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(path,
                    LinkOption.NOFOLLOW_LINKS)));
            assertEquals("nobody", Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName());
            assertEquals(UnixDomainSocketAddress.of(path), d.address("svc"));
            assertEquals("through", Clients.exchange(path, "through"));
            try (var entries = Files.list(dir)) {
                assertEquals(List.of("secret", "svc.sock"), entries.map(p -> p.getFileName().toString()).sorted().toList(),
                        "the private directory of the bind is gone");
            }
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals("root", Files.getOwner(secret).getName());
        assertEquals("keep me", Files.readString(secret));
    }

    @Test
    void aPathTheKernelCannotTakeIsAnErrorThatSaysWhy() throws Exception {
        var path = dir.resolve("s".repeat(120 - dir.toString().length() - 1));
        var table = ((Loaded.Ok) Config.load(TestDaemon.write(
                "services: {s: {protocol: unix, path: %s, handler: echo}}".formatted(path)))).table();
        var failure = assertThrows(Daemon.StartFailure.class, () -> Daemon.start(table, new ConnectionLog()));
        assertEquals(table.sources().at("s") + "s/unix: bind %1$s: '%1$s' is 120 bytes long; a unix socket's path may "
                .formatted(path) + "have at most 107", failure.failures().getFirst());
        var missing = dir.resolve("missing/s.sock");
        var nowhere = ((Loaded.Ok) Config.load(TestDaemon.write(
                "services: {s: {protocol: unix, path: %s, handler: echo}}".formatted(missing)))).table();
        assertEquals(nowhere.sources().at("s") + "s/unix: bind %s: no such directory: %s".formatted(missing, missing.getParent()),
                assertThrows(Daemon.StartFailure.class, () -> Daemon.start(nowhere, new ConnectionLog()))
                        .failures().getFirst());
        // A short name deep down fits the kernel, but the private directory it is bound in first does not.
        var deep = Files.createDirectory(dir.resolve("d".repeat(100 - dir.toString().length() - 1)));
        var near = ((Loaded.Ok) Config.load(TestDaemon.write(
                "services: {s: {protocol: unix, path: %s, handler: echo}}".formatted(deep.resolve("ab"))))).table();
        var tight = assertThrows(Daemon.StartFailure.class, () -> Daemon.start(near, new ConnectionLog()));
        assertTrue(tight.failures().getFirst().contains("'%s' is too long to bind safely: it is bound first at '%s/.j"
                .formatted(deep.resolve("ab"), deep)), tight.failures().getFirst());
        try (var entries = Files.list(deep)) {
            assertEquals(0, entries.count(), "nothing left behind");
        }
    }
}
