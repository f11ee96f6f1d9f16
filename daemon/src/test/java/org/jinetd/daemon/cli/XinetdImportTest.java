package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What jinetd import writes for xinetd settings that have no simple counterpart; check takes each table. */
class XinetdImportTest {
    @TempDir
    Path dir;

    /**
     * Imports {@code conf}, asserts that the import (and so check) succeeded, and returns the
     * table. Programs run as the user running the tests, whom check accepts.
     */
    private String imported(String conf) throws Exception {
        var file = dir.resolve("xinetd.conf");
        Files.writeString(file, conf.replaceAll("user(\\s+)= root", "user$1= " + System.getProperty("user.name")));
        var table = dir.resolve("services.yaml");
        var run = Cli.run("import", file.toString(), "-o", table.toString());
        var yaml = Files.readString(table);
        assertEquals(0, run.code(), run.err() + "\n" + yaml);
        return yaml;
    }

    @Test
    void xinetdsOwnLimitsAreWrittenWhereTheFileSetsNone() throws Exception {
        var yaml = imported("service daytime\n{\n  type = INTERNAL\n  port = 7013\n}\n");
        assertTrue(yaml.contains("\ndefaults:\n  instances: unlimited  # xinetd's default: no limit (jinetd's is 64)\n"
                + "  rate: {per_second: 50, burst: 50}  # xinetd's default cps = 50 10 switched a service off for 10 s"),
                yaml);
        var own = imported("defaults\n{\n  instances = 20\n  cps = 0 0\n}\n"
                + "service daytime\n{\n  type = INTERNAL\n  port = 7013\n}\n");
        assertTrue(own.contains("\ndefaults:\n  instances: 20\n"), own);
        assertTrue(own.contains("# defaults: cps = 0 0: xinetd's check is off, so no rate is written"), own);
        assertFalse(own.contains("rate:"), own);
    }

    @Test
    void tcpdIsDroppedForTheProgramItWouldHaveRun() throws Exception {
        var yaml = imported("""
                service hello
                {
                    port        = 7100
                    wait        = no
                    user        = root
                    flags       = NAMEINARGS
                    server      = /usr/sbin/tcpd
                    server_args = /bin/echo hello
                }
                """);
        assertTrue(yaml.contains("  # server = /usr/sbin/tcpd: tcpd is dropped and /bin/echo runs itself: the rules of "
                + "/etc/hosts.allow and /etc/hosts.deny are not applied"), yaml);
        assertTrue(yaml.contains("    exec: [/bin/echo, hello]\n"), yaml);
    }

    @Test
    void everySettingWithNoCounterpartIsAComment() throws Exception {
        var lost = List.of("access_times = 08:00-17:00", "max_load = 2", "deny_time = 60", "libwrap = hello",
                "log_on_success = PID", "log_on_failure = HOST", "log_type = SYSLOG daemon", "passenv = PATH",
                "rlimit_stack = 8M", "rlimit_rss = 8M", "rlimit_data = 8M", "groups = yes", "mdns = no", "labeled = yes");
        var yaml = imported("defaults\n{\n  max_load = 3\n  log_type = SYSLOG daemon info\n  passenv = PATH\n}\n"
                + "service hello\n{\n  port = 7100\n  user = root\n  server = /bin/echo\n  "
                + String.join("\n  ", lost) + "\n}\n");
        for (var line : lost) {
            assertTrue(yaml.contains("  # " + line + ": "), line + "\n" + yaml);
        }
        for (var line : List.of("max_load = 3", "log_type = SYSLOG daemon info", "passenv = PATH")) {
            assertTrue(yaml.contains("# defaults: " + line + ": "), line + "\n" + yaml);
        }
    }

    @Test
    void aWaitServiceKeepsNoClientRuleJinetdCannotApply() throws Exception {
        var yaml = imported("""
                defaults
                {
                    only_from   = 127.0.0.1
                }
                service tftp
                {
                    socket_type = dgram
                    protocol    = udp
                    port        = 6969
                    wait        = yes
                    user        = root
                    server      = /bin/cat
                }
                service stream-wait
                {
                    port        = 7100
                    wait        = yes
                    user        = root
                    server      = /bin/cat
                }
                """);
        // xinetd looked at the first datagram of a udp wait service: jinetd cannot, so it stays off.
        assertTrue(yaml.contains("    only_from: []  # a wait service's program accepts its clients itself"), yaml);
        assertTrue(yaml.contains("    disabled: true  # xinetd checked only_from on the first datagram of this wait"),
                yaml);
        // xinetd never saw the clients of a tcp wait service either.
        assertTrue(yaml.contains("  # only_from: not applied, as xinetd did not apply it to a tcp wait service either\n"
                + "  stream-wait:\n"), yaml);
        assertEquals(1, yaml.split("disabled: true", -1).length - 1, yaml);
    }

    @Test
    void namesJinetdCannotMatchNeverWidenAccess() throws Exception {
        var yaml = imported("""
                service by-domain
                {
                    type        = INTERNAL
                    port        = 7101
                    only_from   = .example.com
                }
                service refuses-domain
                {
                    type        = INTERNAL
                    port        = 7102
                    no_access   = .example.com
                }
                service unknown-host
                {
                    type        = INTERNAL
                    port        = 7103
                    only_from   = no-such-host.invalid 127.0.0.1 192.168.1.
                }
                service comma
                {
                    type        = INTERNAL
                    port        = 7104
                    only_from   = 127.0.0.1,127.0.0.2
                }
                """.replace("service by-domain", "service echo").replace("service refuses-domain", "service echo")
                .replace("service unknown-host", "service echo").replace("service comma", "service echo"));
        assertTrue(yaml.contains("disabled: true  # only_from names only domains, which jinetd cannot match"), yaml);
        assertTrue(yaml.contains("disabled: true  # no_access .example.com refuses clients by name"), yaml);
        assertTrue(yaml.contains("# only_from no-such-host.invalid: no address here has that name, so none is written"),
                yaml);
        assertTrue(yaml.contains("    only_from: ['127.0.0.1']\n"), yaml);
        assertTrue(yaml.contains("# only_from 192.168.1.: xinetd cannot parse it and ignores it (it logs 'failed to"
                + " parse'); if 192.168.1.0/24 was meant, write it\n"), yaml);
        assertTrue(yaml.contains("disabled: true  # xinetd rejects this only_from ('127.0.0.1,127.0.0.2') and disables"),
                yaml);
    }

    @Test
    void aFileThatIncludesItselfOrAFifoIsReadOnce() throws Exception {
        var fifo = dir.resolve("fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        assertTrue(Files.exists(fifo));
        Files.createDirectory(dir.resolve("xinetd.d"));
        Files.writeString(dir.resolve("xinetd.d/daytime"), "service daytime\n{\n  type = INTERNAL\n  port = 7013\n}\n"
                + "include " + dir.resolve("xinetd.conf") + "\n");
        var yaml = imported("include " + fifo + "\nincludedir " + dir.resolve("xinetd.d") + "\n");
        assertTrue(yaml.contains("# " + fifo + " (included by " + dir.resolve("xinetd.conf") + ") is not a regular file;"
                + " skipped\n"), yaml);
        assertTrue(yaml.contains("# " + dir.resolve("xinetd.conf") + " includes itself (through "
                + dir.resolve("xinetd.d/daytime") + "); read once\n"), yaml);
        assertEquals(1, yaml.split("\n  daytime:", -1).length - 1, yaml);
    }

    @Test
    void theFirstValueOfAPlainAttributeStandsAsInXinetd() throws Exception {
        var yaml = imported("service daytime\n{\n  type = INTERNAL\n  port = 7013\n  port = 7014\n  instances += 3\n}\n");
        assertTrue(yaml.contains("    port: 7013\n"), yaml);
        assertFalse(yaml.contains("7014") || yaml.contains("instances: 3"), yaml);
    }
}
