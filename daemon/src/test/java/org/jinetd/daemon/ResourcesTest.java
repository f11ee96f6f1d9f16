package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
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
    void v6onlyLeavesIpv4ClientsOutOfAnIpv6Wildcard() throws Exception {
        try (var d = TestDaemon.start("services: {six: {bind: '::', v6only: true, handler: echo}}")) {
            assertEquals("six", Clients.exchange(InetAddress.getByName("::1"), d.port("six"), "six"));
            try (var four = new Socket()) {
                org.junit.jupiter.api.Assertions.assertThrows(java.net.ConnectException.class,
                        () -> four.connect(new java.net.InetSocketAddress("127.0.0.1", d.port("six")), 5_000));
            }
        }
    }
}
