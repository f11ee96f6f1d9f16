package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** only_from, no_access and the unix-socket rules, checked before anything runs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessTest {
    @TempDir
    Path dir;

    @Test
    void refusesPeerOutsideOnlyFromBeforeAnythingRunsAndSaysWhy() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  echo: {bind: 127.0.0.1, handler: echo, only_from: [10.0.0.0/8], banner: "welcome\\n",
                         banner_fail: "go away\\n"}
                """)) {
            assertEquals("go away\n", Clients.exchange(d.port("echo"), ""));
            assertTrue(d.awaitLog("refused=").matches("service=echo peer=127\\.0\\.0\\.1:\\d+ refused=only_from"));
        }
    }

    @Test
    void noAccessWinsOverOnlyFrom() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  echo: {bind: 127.0.0.1, handler: echo, only_from: [127.0.0.0/8], no_access: [127.0.0.1]}
                """)) {
            assertEquals("", Clients.exchange(d.port("echo"), ""));
            d.awaitLog("refused=no_access");
            // 127.0.0.2 is in only_from and not in no_access.
            assertEquals("hi", Clients.exchangeFrom(InetAddress.getByName("127.0.0.2"), d.port("echo"), "hi"));
        }
    }

    @Test
    void ipv6RulesMatchIpv6PeersAndIpv4RulesMatchV4MappedPeers() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  six: {bind: '::', handler: echo, only_from: ['::1']}
                  mapped: {bind: '::', handler: echo, only_from: [127.0.0.0/8]}
                  blocked: {bind: '::', handler: echo, no_access: [127.0.0.1/32]}
                """)) {
            var loopback6 = InetAddress.getByName("::1");
            var loopback4 = InetAddress.getByName("127.0.0.1");
            assertEquals("six", Clients.exchange(loopback6, d.port("six"), "six"));
            assertEquals("", Clients.exchange(loopback4, d.port("six"), ""));
            assertTrue(d.awaitLog("service=six peer=127.0.0.1:").endsWith("refused=only_from"));
            // An IPv4 client of an IPv6 socket arrives as ::ffff:127.0.0.1 and matches IPv4 rules.
            assertEquals("four", Clients.exchange(loopback4, d.port("mapped"), "four"));
            assertEquals("", Clients.exchange(loopback4, d.port("blocked"), ""));
            assertTrue(d.awaitLog("service=blocked ").matches("service=blocked peer=127\\.0\\.0\\.1:\\d+ refused=no_access"));
            assertEquals("six", Clients.exchange(loopback6, d.port("blocked"), "six"));
        }
    }

    @Test
    void theBannerComesFirst() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo, banner: \"welcome\\n\"}}")) {
            assertEquals("welcome\nhi", Clients.exchange(d.port("echo"), "hi"));
        }
    }

    @Test
    void aBannerMayComeFromAFile() throws Exception {
        var file = dir.resolve("issue.net");
        java.nio.file.Files.writeString(file, "Debian GNU/Linux\n");
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo, banner: {file: %s}}}"
                .formatted(file))) {
            assertEquals("Debian GNU/Linux\nhi", Clients.exchange(d.port("echo"), "hi"));
        }
    }

    @Test
    void unixSocketsAdmitOnlyTheUsersAndGroupsNamed() throws Exception {
        var open = dir.resolve("open.sock");
        var closed = dir.resolve("closed.sock");
        var uid = new com.sun.security.auth.module.UnixSystem().getUid();
        try (var d = TestDaemon.start("""
                services:
                  open: {protocol: unix, path: %s, handler: echo, only_users: [%d]}
                  closed: {protocol: unix, path: %s, handler: echo, only_users: [nobody]}
                """.formatted(open, uid, closed))) {
            assertEquals("me", Clients.exchange(open, "me"));
            assertEquals("", Clients.exchange(closed, "me"));
            // The line says who was refused, and who was served: whom the client runs as.
            var system = new com.sun.security.auth.module.UnixSystem();
            var who = " uid=" + system.getUid() + " gid=" + system.getGid();
            var refused = d.awaitLog("refused=");
            assertTrue(refused.endsWith(who + " refused=only_users"), refused);
            var served = d.awaitLog("service=open ");
            assertTrue(served.contains(who + " duration="), served);
        }
    }

}
