package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jinetd check} warns of a unix socket that any user could bind first (one in a directory
 * anyone may write in), and of a deferred accept in front of a server that speaks first.
 */
class CheckSocketsTest {
    @TempDir
    Path dir;

    @Test
    void aSocketInADirectoryAnyoneMayWriteInIsWarnedOf() throws Exception {
        var shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        var own = Files.createDirectory(dir.resolve("own"));
        var table = Files.writeString(dir.resolve("services.yaml"), """
                control_socket: none
                services:
                  open: {protocol: unix, path: %s/open.sock, handler: echo}
                  kept: {protocol: unix, path: %s/kept.sock, handler: echo}
                """.formatted(shared, own));
        var checked = Cli.run("check", "-c", table.toString());
        assertEquals(0, checked.code(), checked.err() + checked.out());
        assertTrue(checked.out().contains("\nWARN open: its socket's directory " + shared + " may be written in by anyone: "
                + "another user may bind " + shared + "/open.sock while jinetd is not listening there"), checked.out());
        assertFalse(checked.out().contains("WARN kept:"), checked.out());

        // A name with a line break in it is one line of output, its break escaped.
        var odd = Files.writeString(dir.resolve("odd.yaml"), """
                control_socket: none
                services:
                  odd: {protocol: unix, path: "%s/a\\nWARN forged: x.sock", handler: echo}
                """.formatted(shared));
        var oddly = Cli.run("check", "-c", odd.toString());
        assertEquals(0, oddly.code(), oddly.err() + oddly.out());
        assertFalse(oddly.out().contains("\nWARN forged"), oddly.out());
        assertTrue(oddly.out().contains("a\\nWARN forged: x.sock while jinetd"), oddly.out());
    }

    @Test
    void aDeferredAcceptBeforeABannerOrAnAnswerAtAcceptIsWarnedOf() throws Exception {
        var table = Files.writeString(dir.resolve("services.yaml"), """
                control_socket: none
                defaults: {bind: 127.0.0.1, defer_accept: 5s}
                services:
                  banner: {port: 7001, banner: "hi\\n", handler: echo}
                  daytime: {port: 7002, handler: daytime}
                  echo: {port: 7003, handler: echo}
                  balanced: {port: 7004, handler: daytime, proxy: {from: [127.0.0.1]}}
                  undeferred: {port: 7005, handler: daytime, defer_accept: 0}
                  local: {protocol: unix, path: %s/local.sock, banner: "hi\\n", handler: echo}
                  chargen: {port: 7006, handler: chargen}
                  off: {port: 7007, handler: daytime, disabled: true}
                """.formatted(dir));
        var checked = Cli.run("check", "-c", table.toString());
        assertEquals(0, checked.code(), checked.err() + checked.out());
        assertTrue(checked.out().contains("\nWARN banner: defer_accept 5s with a banner: the server speaks first, "
                + "and the kernel hands a connection over only once its client has sent a byte"), checked.out());
        assertTrue(checked.out().contains("\nWARN daytime: defer_accept 5s with handler daytime, which answers at accept:"),
                checked.out());
        assertTrue(checked.out().contains("\nWARN chargen: defer_accept 5s with handler chargen, which writes before "
                + "its client sends:"), checked.out());
        // The client speaks first to echo; a balancer's header comes first; no deferral; not TCP; binds nothing.
        assertEquals(3, checked.out().lines().filter(line -> line.startsWith("WARN")).count(), checked.out());
    }
}
