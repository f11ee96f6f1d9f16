package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of mistake in a table is reported, all at once, as FILE:LINE:COLUMN: what (expected ...). */
class ConfigTest {
    private static final int NOT_ROOT = 54_321;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        var file = dir.resolve("services.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private Loaded load(Path file, int selfUid) {
        return new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), selfUid).read(file);
    }

    /** The problems, each without the file's path in front. */
    private List<String> problems(Path file, int selfUid) {
        var bad = assertInstanceOf(Loaded.Bad.class, load(file, selfUid));
        bad.problems().forEach(p -> assertEquals(file, p.file()));
        return bad.problems().stream().map(p -> p.toString().substring(file.toString().length() + 1)).toList();
    }

    private List<String> problems(String yaml) throws IOException {
        return problems(write(yaml), Accounts.self());
    }

    /** A unix socket or the control socket below a directory another user owns: a problem at its path, for root. */
    @org.junit.jupiter.api.Test
    void aSocketBelowADirectoryAnotherUserOwnsIsAProblemForRoot() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Accounts.self() == 0, "gives a directory away, as root");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var theirs = Files.createDirectories(dir.resolve("theirs/sub"));
        var nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(theirs.getParent(), nobody);
        var problems = problems(write("""
                control_socket: %1$s/control.sock
                services:
                  u: {protocol: unix, path: %1$s/u.sock, handler: echo}
                """.formatted(theirs)), 0);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).matches("1:17: control_socket '" + theirs + "/control.sock' not trusted: directory "
                + theirs.getParent() + " is owned by uid 65534 \\(nobody\\).*"), problems.toString());
        assertTrue(problems.get(1).matches("3:29: path '" + theirs + "/u.sock' not trusted: directory "
                + theirs.getParent() + " is owned by uid 65534 \\(nobody\\).*"), problems.toString());
    }

    private ServiceTable table(String yaml, int selfUid) throws IOException {
        var loaded = load(write(yaml), selfUid);
        return assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table();
    }

    @Test
    void reportsEveryProblemAtOnceWithLineAndColumn() throws IOException {
        assertEquals(List.of(
                "3:11: 'port' is 70000, out of range (expected a whole number from 1 to 65535)",
                "5:32: protocol 'sctp' is not known (expected tcp, udp or unix)",
                "6:22: unknown key 'onlyfrom' (expected a service key; did you mean 'only_from'?)"),
                problems("""
                        services:
                          a:
                            port: 70000
                            handler: echo
                          b: {handler: echo, protocol: sctp, port: 1}
                          c: {handler: echo, onlyfrom: [127.0.0.1], port: 2}
                        """));
    }

    /** A protocol that is not known leaves the rest of its service to check: every mistake at once. */
    @Test
    void aProtocolNotKnownLeavesTheRestOfItsServiceChecked() throws IOException {
        assertEquals(List.of(
                "2:17: protocol 'tpc' is not known (expected tcp, udp or unix; did you mean 'tcp'?)",
                "2:28: 'port' is 70000, out of range (expected a whole number from 1 to 65535)",
                "2:61: 'instances' is string 'lots' (expected a whole number from 1 to 1000000 or 'unlimited')",
                "3:17: protocol 'unx' is not known (expected tcp, udp or unix; did you mean 'unix'?)",
                "3:28: path 'relative.sock' is relative (expected an absolute path)"),
                problems("""
                        services:
                          a: {protocol: tpc, port: 70000, handler: echo, instances: lots}
                          b: {protocol: unx, path: relative.sock, handler: echo}
                        """));
    }

    @Test
    void problemsAreInTheOrderOfTheirPlaces() throws IOException {
        // Top-level keys are checked before services, yet a service's problem above comes first.
        assertEquals(List.of(
                "2:28: 'port' is 70000, out of range (expected a whole number from 1 to 65535)",
                "4:1: unknown key 'bogus' (expected a top-level key: " + String.join(", ", Keys.TOP) + ")"),
                problems("""
                        services:
                          a: {handler: echo, port: 70000}
                        shutdown_grace: 1s
                        bogus: 1
                        """));
    }

    @Test
    void aYamlSyntaxErrorSaysWhere() throws IOException {
        assertEquals(List.of("2:9: the '{' that opens this map is not closed on its line (expected a '}' after the "
                + "map's last entry, on this line)"), problems("services:\n  echo: {port: 7, handler: echo\n"));
        // What no reading in the table's words fits is said in the parser's words, at its place.
        assertEquals(List.of("2:9: YAML syntax error: found undefined tag handle !x! (in the node that starts at 2:9)"),
                problems("services:\n  echo: !x!y 1\n"));
    }

    @Test
    void aValueQuotedInAProblemStaysOneLineOfPrintableText() throws IOException {
        assertEquals(List.of("1:64: socket_mode '06U+202860U+001B' is not octal permission bits (expected three octal "
                        + "digits such as 0660 (quote it: '0660'))"),
                problems("services: {s: {protocol: unix, path: /tmp/x.sock, socket_mode: \"06\u202860\\e\", handler: echo}}\n"));
    }

    @Test
    void anEmptyFileIsAProblem() throws IOException {
        assertEquals(List.of("1:1: the table is empty (expected a map with a 'services:' key)"), problems("# nothing\n"));
    }

    @Test
    void aMissingFileIsAProblem() {
        var missing = dir.resolve("nowhere.yaml");
        assertEquals(List.of("1:1: no such file (expected a readable service table)"), problems(missing, 0));
    }

    @Test
    void aFileThatIsNotUtf8IsAProblemAtItsFirstBadByte() throws IOException {
        var file = dir.resolve("latin1.yaml");
        Files.write(file, "services:\n  caf\u00e9: {port: 7, handler: echo}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(List.of("2:6: not UTF-8: byte 0xe9 cannot start or continue a character (expected a UTF-8 text file)"),
                problems(file, 0));
    }

    @Test
    void aDuplicateKeyIsAProblem() throws IOException {
        assertEquals(List.of("4:5: duplicate key 'port': line 3 has it already (expected each key once in a map: keep "
                + "one of lines 3 and 4)"),
                problems("services:\n  echo:\n    port: 7\n    port: 8\n    handler: echo\n"));
    }

    @Test
    void unknownTopLevelKeysAndTheMissingServicesKeyAreProblems() throws IOException {
        assertEquals(List.of(
                "1:1: unknown key 'service' (expected a top-level key; did you mean 'services'?)",
                "1:1: no 'services:' key (expected a map of services by name)"),
                problems("service: {}\n"));
    }

    @Test
    void maxSpawnersIsAWholeNumberFromZero() throws IOException {
        assertEquals(List.of("1:15: 'max_spawners' is -1, out of range (expected a whole number from 0 to 1000)"),
                problems("max_spawners: -1\nservices: {echo: {port: 7, handler: echo}}\n"));
        assertEquals(List.of("1:15: 'max_spawners' is string 'many' (expected a whole number from 0 to 1000)"),
                problems("max_spawners: many\nservices: {echo: {port: 7, handler: echo}}\n"));
    }

    @Test
    void sizesPastALongOrWithoutAUnitThatIsKnownAreProblemsNotFailures() throws IOException {
        assertEquals(List.of("1:22: 'datagram_reply_rate' is 99999999999999999999, out of range "
                        + "(expected a whole number (K, M or G for sizes) or 'unlimited', at most 2^62)"),
                problems("datagram_reply_rate: 99999999999999999999\nservices: {echo: {port: 7, handler: echo}}\n"));
        assertEquals(List.of("1:22: 'datagram_reply_rate' is string '1T' "
                        + "(expected a whole number (K, M or G for sizes) or 'unlimited')"),
                problems("datagram_reply_rate: 1T\nservices: {echo: {port: 7, handler: echo}}\n"));
        assertEquals(List.of("2:60: 'rlimits.as' is 9000000000000G, out of range "
                        + "(expected a whole number (K, M or G for sizes) or 'unlimited', at most 2^62)"),
                problems("services:\n  p: {port: 7, exec: [/bin/cat], user: root, rlimits: {as: 9000000000000G}}\n"));
    }

    @Test
    void aServiceHasExactlyOneLaunchKind() throws IOException {
        assertEquals(List.of(
                "2:3: service 'none' has no exec, handler or redirect "
                        + "(expected exactly one of 'exec:' (a program), 'handler:' (in-JVM) or 'redirect:' (forwarded))",
                "3:3: service 'both' has both exec and handler "
                        + "(expected exactly one of 'exec:' (a program), 'handler:' (in-JVM) or 'redirect:' (forwarded))"),
                problems("""
                        services:
                          none: {port: 1}
                          both: {port: 2, handler: echo, exec: [/bin/cat]}
                        """));
    }

    @Test
    void execIsAnAbsolutePathToAnExecutableFileAndANonEmptyList() throws IOException {
        var plain = dir.resolve("plain.txt");
        Files.writeString(plain, "not a program");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(List.of(
                "2:23: program 'cat' is not an absolute path (expected an absolute path such as /usr/bin/cat)",
                "3:23: program '/no/such/program' does not exist (expected an executable file)",
                "4:23: program '" + plain + "' is not an executable file (expected an executable file (chmod +x))",
                "5:22: 'exec' is empty (expected [/absolute/program, arguments...])"),
                problems("""
                        services:
                          a: {port: 1, exec: [cat]}
                          b: {port: 2, exec: [/no/such/program]}
                          c: {port: 3, exec: [%s]}
                          d: {port: 4, exec: []}
                        """.formatted(plain)));
    }

    @Test
    void anUnknownHandlerListsTheKnownOnes() throws IOException {
        var problems = problems("services:\n  x: {port: 1, handler: ecko}\n");
        assertEquals(1, problems.size());
        assertTrue(problems.getFirst().startsWith("2:25: handler 'ecko' is not known (expected one of: chargen, "
                + "daytime, discard, echo, "), problems.getFirst());
    }

    @Test
    void aBadHandlerOptionIsShownAtTheOption() throws IOException {
        assertEquals(List.of("6:7: handler 'echo', option 'colour': unknown option; echo takes no options"),
                problems("""
                        services:
                          x:
                            port: 1
                            handler: echo
                            options: {colour: blue}
                        """.replace("options: {colour: blue}", "options:\n      colour: blue")));
    }

    @Test
    void anEnvNameThatEnvWouldReadAsAnAssignmentIsAProblem() throws IOException {
        assertEquals(List.of("2:41: env name 'A=B' is empty or holds '=' (expected a variable name such as LANG)",
                        "2:51: env name '' is empty or holds '=' (expected a variable name such as LANG)"),
                problems("services:\n  x: {port: 1, exec: [/bin/true], env: {'A=B': 1, '': 2, C: 3}}\n"));
    }

    @Test
    void aHandlerWithoutAUdpVariantIsAProblemOnUdp() throws IOException {
        assertEquals(List.of("2:40: handler 'replying' does not serve udp (expected protocol: tcp)"),
                problems("services:\n  x: {port: 1, protocol: udp, handler: replying}\n"));
    }

    @Test
    void twoServicesOnOneAddressAreNamedBothPlaces() throws IOException {
        var file = write("""
                services:
                  first: {port: 7007, bind: 127.0.0.1, handler: echo}
                  second: {port: 7007, bind: 127.0.0.1, handler: daytime}
                  udp-is-fine: {port: 7007, bind: 127.0.0.1, protocol: udp, handler: echo}
                  wildcard: {port: 7007, bind: '::', handler: echo}
                """);
        assertEquals(List.of(
                "3:3: service 'second' listens on tcp 127.0.0.1:7007, as service 'first' at %s:2:3 does "
                        .formatted(file) + "(expected one service per protocol, address and port)",
                "5:3: service 'wildcard' listens on tcp [::]:7007, as service 'first' at %s:2:3 does "
                        .formatted(file) + "(expected one service per protocol, address and port)",
                "5:3: service 'wildcard' listens on tcp [::]:7007, as service 'second' at %s:3:3 does "
                        .formatted(file) + "(expected one service per protocol, address and port)"),
                problems(file, 0));
    }

    @Test
    void usersAndGroupsMustExist() throws IOException {
        assertEquals(List.of(
                "2:40: user 'no-such-user' does not exist (expected a user in /etc/passwd or known to getent)",
                "3:53: group 'no-such-group' does not exist (expected a group in /etc/group or known to getent)"),
                problems(write("""
                        services:
                          a: {port: 1, exec: [/bin/cat], user: no-such-user}
                          b: {port: 2, exec: [/bin/cat], user: root, group: no-such-group}
                        """), 0));
    }

    @Test
    void aDaemonThatIsNotRootRejectsAnotherUser() throws IOException {
        assertEquals(List.of("2:40: user 'root': jinetd runs as uid %d and can run programs only as itself ".formatted(NOT_ROOT)
                        + "(expected no 'user:' (or run jinetd as root to switch users))"),
                problems(write("services:\n  a: {port: 1, exec: [/bin/cat], user: root}\n"), NOT_ROOT));
    }

    @Test
    void aRootDaemonRunsProgramsAsNobodyUnlessUserRootIsWritten() throws IOException {
        var table = table("""
                services:
                  plain: {port: 1, exec: [/bin/cat]}
                  admin: {port: 2, exec: [/bin/cat], user: root}
                """, 0);
        var plain = (Launch.Exec) table.service("plain").orElseThrow().launch();
        var admin = (Launch.Exec) table.service("admin").orElseThrow().launch();
        assertEquals("nobody", plain.runAs().user());
        assertTrue(plain.runAs().switches());
        assertEquals("root", admin.runAs().user());
        assertFalse(admin.runAs().switches());
        assertTrue(plain.shown().contains("(as nobody via spawner,"), plain.shown());
    }

    @Test
    void aRootDaemonHasTheSpawnerOfTheUserStartAProgramUnlessItNeedsRootBeforeTheSwitch() throws IOException {
        var table = table("""
                services:
                  plain: {port: 1, exec: [/bin/cat]}
                  kind: {port: 2, exec: [/bin/cat], nice: 5, umask: '027', cwd: /tmp}
                  limited: {port: 3, exec: [/bin/cat], rlimits: {core: 0}}
                  eager: {port: 4, exec: [/bin/cat], nice: -5}
                  admin: {port: 5, exec: [/bin/cat], user: root}
                  grouped: {port: 6, exec: [/bin/cat], user: root, group: nogroup}
                """, 0);
        var expected = java.util.Map.of("plain", Launch.Start.SPAWNER, "kind", Launch.Start.SPAWNER,
                "limited", Launch.Start.SETPRIV, "eager", Launch.Start.SETPRIV, "admin", Launch.Start.SELF,
                "grouped", Launch.Start.SETPRIV);
        expected.forEach((name, start) -> {
            var exec = (Launch.Exec) table.service(name).orElseThrow().launch();
            assertEquals(start, exec.start(), name);
        });
        assertEquals("exec /bin/cat (as nobody via setpriv, inherit)",
                table.service("limited").orElseThrow().launch().shown());
        assertEquals("exec /bin/cat (as root, inherit)", table.service("admin").orElseThrow().launch().shown());
        // A daemon that is not root starts every program itself.
        var own = table("services:\n  plain: {port: 1, exec: [/bin/cat], rlimits: {core: 0}}\n", 1000);
        assertEquals(Launch.Start.SELF, ((Launch.Exec) own.service("plain").orElseThrow().launch()).start());
    }

    @Test
    void aPortMayBeANameAndAServiceWithoutOneTakesItsOwnName() throws IOException {
        var table = table("""
                services:
                  daytime: {handler: daytime}
                  other: {port: echo, handler: echo}
                  fresh: {protocol: udp, port: discard, handler: discard}
                """, 0);
        assertEquals(13, ((Endpoint.Inet) table.service("daytime").orElseThrow().endpoint()).port());
        assertEquals(7, ((Endpoint.Inet) table.service("other").orElseThrow().endpoint()).port());
        assertEquals(9, ((Endpoint.Inet) table.service("fresh").orElseThrow().endpoint()).port());
        assertEquals(List.of(
                "2:3: service 'no-such-name' has no 'port', and 'no-such-name' is not a tcp service in /etc/services "
                        + "(expected port: a number from 1 to 65535, or a name from /etc/services)"),
                problems("services:\n  no-such-name: {handler: echo}\n"));
    }

    @Test
    void badAddressesAreProblems() throws IOException {
        assertEquals(List.of(
                "2:22: bind 'localhost' is not an IP address (expected an IPv4 or IPv6 address such as "
                        + "127.0.0.1, ::1, 0.0.0.0 or :: (names are not looked up))",
                "3:50: prefix length in '10.0.0.0/33' must be 0 to 32 (expected an address or prefix "
                        + "such as 192.0.2.0/24 or 2001:db8::/32)",
                "3:63: 'example.org' is not an IPv4 or IPv6 address (expected an address or prefix such as "
                        + "192.0.2.0/24 or 2001:db8::/32)"),
                problems("""
                        services:
                          a: {port: 1, bind: localhost, handler: echo}
                          b: {port: 2, handler: echo, only_from: ['::1', 10.0.0.0/33, example.org]}
                        """));
    }

    @Test
    void defaultsApplyWhereAServiceIsSilentAndItsOwnValueWins() throws IOException {
        var table = table("""
                shutdown_grace: 750ms
                defaults:
                  bind: 127.0.0.1
                  instances: 5
                  user: root
                  exec: [/bin/cat]
                services:
                  a: {port: 1}
                  b: {port: 2, bind: '::1', instances: unlimited, handler: echo}
                """, 0);
        assertEquals(Duration.ofMillis(750), table.shutdownGrace());
        var a = table.service("a").orElseThrow();
        var b = table.service("b").orElseThrow();
        assertEquals(InetAddress.getByName("127.0.0.1"), ((Endpoint.Inet) a.endpoint()).bind());
        assertEquals(5, a.limits().instances());
        assertEquals("root", ((Launch.Exec) a.launch()).runAs().user());
        // b's own handler replaces the exec of defaults, and the user of defaults does not apply to it.
        assertInstanceOf(Launch.Stream.class, b.launch());
        assertEquals(InetAddress.getByName("::1"), ((Endpoint.Inet) b.endpoint()).bind());
        assertEquals(Limits.UNLIMITED, b.limits().instances());
    }

    @Test
    void programKeysOnAHandlerServiceAreProblems() throws IOException {
        assertEquals(List.of("2:31: 'user' applies to 'exec:' services only (expected no 'user' on a handler service)"),
                problems(write("services:\n  a: {port: 1, handler: echo, user: root}\n"), 0));
    }

    @Test
    void stderrNullNeedsNoQuotes() throws IOException {
        var table = table("services:\n  a: {port: 1, exec: [/bin/cat], stderr: null}\n", Accounts.self());
        assertEquals(Launch.Stderr.NULL, ((Launch.Exec) table.service("a").orElseThrow().launch()).stderr());
    }

    @Test
    void includedFilesAddServicesAndReportProblemsInTheirOwnFile() throws IOException {
        var confd = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(confd.resolve("10-time.yaml"), "services:\n  time: {port: 7037, handler: time}\n");
        Files.writeString(confd.resolve("20-bad.yaml"), """
                services:
                  echo: {port: 7008, handler: echo}
                  clash: {port: 7037, handler: echo}
                  typo: {port: 7009, handlr: echo}
                """);
        Files.writeString(confd.resolve("notes.txt"), "not a table: not included");
        var main = write("""
                defaults: {bind: 127.0.0.1}
                include: [conf.d/*.yaml]
                services:
                  echo: {port: 7007, handler: echo}
                """);
        var bad = confd.resolve("20-bad.yaml");
        assertEquals(List.of(
                bad + ":2:3: service 'echo' is defined twice; first at " + main + ":4:3 (expected one service per name)",
                bad + ":3:3: service 'clash' listens on tcp 127.0.0.1:7037, as service 'time' at "
                        + confd.resolve("10-time.yaml") + ":2:3 does (expected one service per protocol, address and port)",
                bad + ":4:3: service 'typo' has no exec, handler or redirect (expected exactly one of 'exec:' (a program), "
                        + "'handler:' (in-JVM) or 'redirect:' (forwarded))",
                bad + ":4:22: unknown key 'handlr' (expected a service key; did you mean 'handler'?)"),
                assertInstanceOf(Loaded.Bad.class, load(main, 0)).problems().stream().map(Problem::toString).toList());
        Files.delete(bad);
        var table = assertInstanceOf(Loaded.Ok.class, load(main, 0)).table();
        assertEquals(List.of("echo", "time"), table.services().stream().map(Service::name).toList());
        assertEquals(InetAddress.getByName("127.0.0.1"), ((Endpoint.Inet) table.service("time").orElseThrow().endpoint()).bind());
    }

    @Test
    void deferAcceptIsOffByDefaultAndCountsWholeSeconds() throws IOException {
        var table = table("""
                defaults: {bind: 127.0.0.1, handler: echo}
                services:
                  plain: {port: 7001}
                  deferred: {port: 7002, defer_accept: 5s}
                  part: {port: 7003, defer_accept: 1500ms}
                  tiny: {port: 7004, defer_accept: 0.0004}
                  off: {port: 7005, defer_accept: 0}
                """, Accounts.self());
        // Unsaid is not zero: a socket from systemd then keeps its unit's DeferAcceptSec=.
        assertEquals(Optional.empty(), table.service("plain").orElseThrow().socket().deferAccept());
        assertEquals(java.time.Duration.ZERO, table.service("plain").orElseThrow().socket().deferred());
        assertEquals(Optional.of(java.time.Duration.ofSeconds(5)),
                table.service("deferred").orElseThrow().socket().deferAccept());
        assertEquals(Optional.of(java.time.Duration.ofSeconds(2)), table.service("part").orElseThrow().socket().deferAccept());
        // Too short for a millisecond is still more than nothing: a second, never off.
        assertEquals(Optional.of(java.time.Duration.ofSeconds(1)), table.service("tiny").orElseThrow().socket().deferAccept());
        assertEquals(Optional.of(java.time.Duration.ZERO), table.service("off").orElseThrow().socket().deferAccept());
    }

    @Test
    void deferAcceptPastAnHourNotATimeOrNotOnTcpIsAProblem() throws IOException {
        assertEquals(List.of(
                "3:36: 'defer_accept' is string '2h', longer than an hour (expected a duration from 0 (off) to 1h)",
                "4:36: 'defer_accept' is string 'soon' (expected a duration such as 5s, 500ms, 2m or 1h (a bare number is seconds))",
                "5:36: 'defer_accept' applies to protocol tcp only (expected no 'defer_accept' on a udp socket)",
                "6:26: 'defer_accept' applies to protocol tcp only (expected no 'defer_accept' on a unix socket)",
                "7:36: 'defer_accept' is number '99999999999999999999999999', longer than an hour (expected a duration"
                        + " from 0 (off) to 1h)",
                "8:35: 'defer_accept' is number '-1' (expected a duration such as 5s, 500ms, 2m or 1h (a bare number is"
                        + " seconds))"),
                problems("""
                        defaults: {bind: 127.0.0.1, handler: echo}
                        services:
                          long: {port: 7001, defer_accept: 2h}
                          word: {port: 7002, defer_accept: soon}
                          udp: {port: 7003, protocol: udp, defer_accept: 1s, handler: daytime}
                          unix: {protocol: unix, defer_accept: 1s, path: %s/u.sock}
                          huge: {port: 7004, defer_accept: 99999999999999999999999999}
                          neg: {port: 7005, defer_accept: -1}
                        """.formatted(dir)));
    }

    @Test
    void aMissingIncludedFileIsAProblem() throws IOException {
        assertEquals(List.of("1:11: include 'other.yaml': no such file (expected a file, or a glob)"),
                problems("include: [other.yaml]\nservices: {}\n"));
    }

    @Test
    void theExampleTableIsGood() {
        var loaded = load(Path.of("..", "conf", "services.yaml"), Accounts.self());
        assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString);
    }
}
