package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: their output and their exit codes. */
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void aSubcommandAloneSaysWhatItSaysInTheWholeCommand() {
        for (var name : List.of("run", "check", "list", "status", "reload", "stop", "import")) {
            var alone = Cli.run(name, "--help");
            assertEquals(0, alone.code(), name + ": " + alone.err());
            var whole = new StringWriter();
            Jinetd.commandLine().getSubcommands().get(name).usage(new PrintWriter(whole, true));
            assertEquals(whole.toString(), alone.out(), name);
        }
        var help = Cli.run("help", "check");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("\nUsage: jinetd check "), help.out());
        var unknown = Cli.run("chek");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("Unmatched argument at index 0: 'chek'"), unknown.err());
        assertTrue(unknown.err().contains("Did you mean: jinetd check"), unknown.err());
    }

    @Test
    void checkPrintsWhatItCheckedAndExitsZero() {
        var r = Cli.run("check", "-c", "../conf/services.yaml");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("../conf/services.yaml: ok: 12 services, 12 listeners\n"), r.out());
        assertTrue(r.out().contains("\necho         tcp       127.0.0.1:7007  handler echo\n"), r.out());
    }

    @Test
    void checkShowsEachCertificateAndWarnsOfOneExpiredWithoutFailing() throws Exception {
        java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var made = new org.jinetd.daemon.config.TestCertificates(dir);
        var old = made.dated("old", "old.example.org", "-10d", 5);
        var file = dir.resolve("tls.yaml");
        Files.writeString(file, "services:\n  web: {bind: 127.0.0.1, port: 7443, handler: echo, tls: {certificate: %s, key: %s}}\n"
                .formatted(old.certificate(), old.key()));
        var r = Cli.run("check", "-c", file.toString());
        assertEquals(0, r.code(), r.err());
        var lines = r.out().lines().toList();
        assertTrue(lines.get(lines.size() - 2).matches("tls web: certificate " + old.certificate()
                + ": CN=old.example.org; names old.example.org; expires 20\\S+Z"), r.out());
        assertTrue(lines.getLast().matches("WARN web: certificate " + old.certificate() + " expired on 20\\S+Z; it is "
                + "still served, and clients will refuse it"), r.out());
    }

    @Test
    void checkPrintsEveryProblemAndExitsOne() throws Exception {
        var file = dir.resolve("bad.yaml");
        Files.writeString(file, "services:\n  a: {port: 0, handler: echo}\n  b: {port: 1, handler: nope}\n");
        var r = Cli.run("check", "-c", file.toString());
        assertEquals(1, r.code());
        assertEquals("""
                %1$s:2:13: 'port' is 0, out of range (expected a whole number from 1 to 65535)
                %1$s:3:25: handler 'nope' is not known (expected one of: chargen, daytime, discard, echo, http, misbehaving, peer-report, replying, time)
                %1$s: 2 problems
                """.formatted(file), r.err());
        assertEquals("", r.out());
    }

    @Test
    void listShowsNameProtocolAddressAndLaunch() {
        var r = Cli.run("list", "-c", "../conf/services.yaml");
        assertEquals(0, r.code(), r.err());
        var lines = r.out().lines().toList();
        assertEquals("NAME         PROTOCOL  ADDRESS         LAUNCH", lines.getFirst());
        assertTrue(lines.contains("echo6        tcp       [::1]:7007      handler echo"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("greet        tcp       127.0.0.1:7100  exec /bin/sh -c ")),
                r.out());
    }

    @Test
    void aMissingTableIsAProblemNotAStackTrace() {
        var r = Cli.run("check", "-c", dir.resolve("absent.yaml").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith(dir.resolve("absent.yaml") + ":1:1: no such file"), r.err());
    }

    @Test
    void badUsageExitsTwoAndVersionZero() {
        assertEquals(2, Cli.run("check", "--no-such-flag").code());
        assertEquals(2, Cli.run("frobnicate").code());
        var version = Cli.run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("jinetd "), version.out());
    }
}
