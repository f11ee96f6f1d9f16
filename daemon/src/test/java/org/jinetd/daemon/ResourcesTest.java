package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.listen.Passed;
import org.jinetd.daemon.os.NativeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** rlimits, nice, umask and cwd are in force from the program's first instruction; socket options. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResourcesTest {
    @Test
    void aProgramStartsWithItsLimitsNicenessUmaskAndDirectory() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  limited:
                    bind: 127.0.0.1
                    cwd: /tmp
                    umask: '027'
                    nice: 5
                    rlimits: {nofile: 123, core: 0, fsize: 1M}
                    exec: [/bin/sh, -c, 'ulimit -n; ulimit -c; ulimit -f; cut -d" " -f19 /proc/$$/stat; umask; pwd']
                """)) {
            // dash's ulimit -f counts 512-byte blocks; field 19 of /proc/PID/stat is the niceness.
            assertEquals("123\n0\n2048\n5\n0027\n/tmp\n", Clients.exchange(d.port("limited"), ""));
        }
    }

    @Test
    void keepaliveAndNodelayAreSetOnAcceptedConnections() throws Exception {
        var program = WaitModeTest.program("SocketOptions.java");
        try (var d = TestDaemon.start("""
                services:
                  set: {bind: 127.0.0.1, user: root, keepalive: true, nodelay: true, exec: [%1$s, %2$s]}
                  unset: {bind: 127.0.0.1, user: root, exec: [%1$s, %2$s]}
                """.formatted(WaitModeTest.java(), program))) {
            assertEquals("keepalive=true nodelay=true\n", Clients.exchange(d.port("set"), ""));
            assertEquals("keepalive=false nodelay=false\n", Clients.exchange(d.port("unset"), ""));
        }
    }

    @Test
    void backlogIsTheListenQueueTheKernelReports() throws Exception {
        try (var d = TestDaemon.start("services: {echo: {bind: 127.0.0.1, handler: echo, backlog: 7}}")) {
            var ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + d.port("echo")).redirectErrorStream(true).start();
            var out = new String(ss.getInputStream().readAllBytes()).strip();
            ss.waitFor();
            // For a listening socket, ss shows the backlog as Send-Q: LISTEN 0 7 127.0.0.1:PORT ...
            assertEquals("7", out.split("\\s+")[2], out);
        }
    }

    @Test
    void reuseportLetsTwoDaemonsShareAPort() throws Exception {
        int port = TestDaemon.freePort();
        var table = "services: {echo: {bind: 127.0.0.1, port: %d, reuseport: true, handler: echo}}".formatted(port);
        try (var first = TestDaemon.start(table); var second = TestDaemon.start(table)) {
            assertEquals("both", Clients.exchange(port, "both"));
        }
    }

    @Test
    void v6onlyLeavesIpv4ClientsOutOfAnIpv6Wildcard() throws Exception {
        try (var d = TestDaemon.start("services: {six: {bind: '::', v6only: true, handler: echo}}")) {
            assertEquals("six", Clients.exchange(InetAddress.getByName("::1"), d.port("six"), "six"));
            try (var four = new Socket()) {
                org.junit.jupiter.api.Assertions.assertThrows(java.net.ConnectException.class,
                        () -> four.connect(new InetSocketAddress("127.0.0.1", d.port("six")), 5_000));
            }
        }
    }

    @Test
    void deferAcceptHoldsAConnectionUntilItsClientWritesAndAReloadLiftsIt() throws Exception {
        int port = TestDaemon.freePort();
        var table = "services: {greet: {bind: 127.0.0.1, port: %d, %s banner: \"hi\\n\", handler: echo}}";
        try (var d = TestDaemon.start(table.formatted(port, "defer_accept: 30s,"))) {
            // A banner is the server speaking first: the daemon says what the deferral costs.
            d.awaitLog("greet: defer_accept 30s with a banner: the server speaks first");
            try (var client = Clients.connect(port)) {
                client.setSoTimeout(1_000);
                // Connected, but not handed to jinetd yet: no banner before the client's first byte.
                assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
                client.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                client.setSoTimeout(10_000);
                assertEquals("hi\nx\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
            d.daemon().reload(TestDaemon.table(table.formatted(port, "")));
            try (var client = Clients.connect(port)) {
                client.setSoTimeout(10_000);
                // The same socket, now taking connections at their handshake: the banner comes unasked.
                assertEquals("hi", new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine());
            }
        }
    }

    /**
     * A socket from systemd outlives jinetd, with whatever TCP_DEFER_ACCEPT it has: its unit's
     * stands while the table says nothing, {@code defer_accept: 0} turns it off, and a reload
     * that takes the key away gives the unit's back.
     */
    @Test
    void aSocketFromSystemdKeepsItsUnitsDeferralUntilTheTableSaysOtherwise() throws Exception {
        try (var unitSocket = ServerSocketChannel.open()) {
            unitSocket.bind(new InetSocketAddress("127.0.0.1", 0));
            NativeOptions.deferAccept(unitSocket, 5);
            int unit = NativeOptions.deferAccept(unitSocket);
            assertTrue(unit >= 5, "the kernel keeps at least what was asked: " + unit);
            int port = ((InetSocketAddress) unitSocket.getLocalAddress()).getPort();
            var table = "services: {greet: {bind: 127.0.0.1, port: %d, %s banner: \"hi\\n\", handler: echo}}";
            var passed = new Passed(List.of(unitSocket));
            try (var d = TestDaemon.start(table.formatted(port, ""), passed)) {
                assertEquals(unit, NativeOptions.deferAccept(unitSocket));
                d.awaitLog("with a banner: the server speaks first");
                d.awaitLog("DeferAcceptSec= of the socket from systemd; defer_accept: 0 turns it off");

                d.daemon().reload(TestDaemon.table(table.formatted(port, "defer_accept: 0,")));
                assertEquals(0, NativeOptions.deferAccept(unitSocket));
                try (var client = Clients.connect(port)) {
                    client.setSoTimeout(10_000);
                    assertEquals("hi", new BufferedReader(new InputStreamReader(client.getInputStream(),
                            StandardCharsets.US_ASCII)).readLine());
                }

                d.daemon().reload(TestDaemon.table(table.formatted(port, "defer_accept: 0.0004s,")));
                assertEquals(1, NativeOptions.deferAccept(unitSocket),
                        "a time too short for a millisecond is a second, not off");

                d.daemon().reload(TestDaemon.table(table.formatted(port, "")));
                assertEquals(unit, NativeOptions.deferAccept(unitSocket));
            }
        }
    }
}
