package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
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

    /** help: the whole usage, a command's, its own; an unknown command is code 2 with the whole usage. */
    @Test
    void helpShowsTheUsageOfTheCommandOrOfOneOfItsCommands() {
        var whole = Cli.run("help");
        assertEquals(0, whole.code(), whole.err());
        assertEquals(Cli.run("--help").out(), whole.out());
        assertTrue(whole.out().contains("\nCommands:\n  run "), whole.out());
        assertTrue(whole.out().contains("\n  help    Display help information about the specified command.\n"), whole.out());
        for (var name : List.of("run", "check", "list", "status", "reload", "stop", "import")) {
            var one = Cli.run("help", name);
            assertEquals(0, one.code(), name + ": " + one.err());
            assertEquals(Cli.run(name, "--help").out(), one.out(), name);
        }
        var own = Cli.run("help", "--help");
        assertEquals(0, own.code(), own.err());
        assertTrue(own.out().contains("Usage: jinetd help [-h] [COMMAND]"), own.out());
        assertTrue(own.out().contains("[COMMAND]   The COMMAND to display the usage help message for."), own.out());
        var unknown = Cli.run("help", "chek");
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().startsWith("Unknown subcommand 'chek'.\n"), unknown.err());
        assertTrue(unknown.err().contains("Usage: jinetd [-hV] [COMMAND]"), unknown.err());
        assertEquals("", unknown.out());
    }

    /** Each way a command line can be wrong is code 2 and says what is wrong; nothing runs. */
    @Test
    void aBadCommandLineIsCodeTwoAndSaysWhatIsWrong() {
        var cases = new LinkedHashMap<List<String>, String>();
        cases.put(List.of("import"), "Missing required parameter: 'FILE'");
        cases.put(List.of("import", "a.conf", "b.conf"), "Unmatched argument at index 2: 'b.conf'");
        cases.put(List.of("status", "echo", "daytime"), "Unmatched argument at index 2: 'daytime'");
        cases.put(List.of("check", "-c"), "Missing required parameter for option '--config' (FILE)");
        cases.put(List.of("status", "--socket"), "Missing required parameter for option '--socket' (PATH)");
        cases.put(List.of("check", "--bogus"), "Unknown option: '--bogus'");
        cases.put(List.of("stop", "--json"), "Unknown option: '--json'");
        cases.put(List.of("import", "-o"), "Missing required parameter for option '--output' (OUT)");
        for (var entry : cases.entrySet()) {
            var result = Cli.run(entry.getKey().toArray(String[]::new));
            assertEquals(2, result.code(), entry.getKey() + ": " + result.err());
            assertTrue(result.err().contains(entry.getValue()), entry.getKey() + ": " + result.err());
            assertTrue(result.err().contains("Usage: jinetd " + entry.getKey().getFirst()), result.err());
            assertEquals("", result.out(), entry.getKey().toString());
        }
    }

    /** -V is the version on every command, as -h is its help. */
    @Test
    void everyCommandTellsItsVersion() {
        for (var name : List.of("run", "check", "list", "status", "reload", "stop", "import")) {
            var version = Cli.run(name, "-V");
            assertEquals(0, version.code(), name + ": " + version.err());
            assertTrue(version.out().startsWith("jinetd "), name + ": " + version.out());
            assertTrue(version.out().contains("\nJava " + Runtime.version()), name + ": " + version.out());
        }
    }

    /**
     * The codes of each help, as printed: a code's words wrapped onto further lines are
     * joined back, so that a word cut or a code left out shows as a difference.
     */
    private static Map<String, String> exitCodes(String help) {
        var codes = new LinkedHashMap<String, String>();
        var section = help.substring(help.indexOf("\nExit codes:\n") + "\nExit codes:\n".length());
        String last = null;
        for (var line : section.lines().toList()) {
            var code = Pattern.compile("  (\\d+) +(.+)").matcher(line);
            if (code.matches()) {
                last = code.group(1);
                codes.put(last, code.group(2).strip());
            } else if (last != null && line.startsWith("       ")) {
                codes.merge(last, line.strip(), (a, b) -> a + " " + b);
            }
        }
        return codes;
    }

    @Test
    void everyHelpListsEveryCodeItsCommandReturnsWhole() {
        var root = Cli.run("--help");
        assertEquals(0, root.code(), root.err());
        var all = exitCodes(root.out());
        assertEquals(List.of("0", "1", "2", "3", "4", "69", "70", "77"), List.copyOf(all.keySet()), root.out());
        assertEquals(ExitCodes.all(), all, root.out());
        for (var name : List.of("run", "check", "list", "status", "reload", "stop", "import")) {
            var help = Cli.run(name, "--help");
            var codes = exitCodes(help.out());
            assertEquals(ExitCodes.of(name), codes, help.out());
            assertTrue(codes.keySet().containsAll(List.of("0", "2", "70")), name + ": " + codes);
            assertTrue(all.keySet().containsAll(codes.keySet()), name + ": " + codes);
        }
        assertEquals(List.of("0", "1", "2", "70"), List.copyOf(ExitCodes.of("check").keySet()));
        assertEquals(List.of("0", "1", "2", "3", "4", "70", "77"), List.copyOf(ExitCodes.of("reload").keySet()));
    }

    /** What a command returns is among the codes its help lists. */
    @Test
    void whatACommandReturnsItsHelpLists() throws Exception {
        var bad = Files.writeString(dir.resolve("bad.yaml"), "services:\n  a: {port: 0, handler: echo}\n");
        var none = dir.resolve("none.sock").toString();
        var runs = List.of(List.of("check", "-c", bad.toString()), List.of("list", "-c", bad.toString()),
                List.of("check", "--bogus"), List.of("status", "--socket", none), List.of("reload", "--socket", none),
                List.of("stop", "--socket", none), List.of("import", dir.resolve("absent.conf").toString()));
        var seen = new java.util.TreeSet<Integer>();
        for (var args : runs) {
            var r = Cli.run(args.toArray(String[]::new));
            assertTrue(ExitCodes.of(args.getFirst()).containsKey(Integer.toString(r.code())), args + " exited " + r.code()
                    + ", which its help does not list: " + ExitCodes.of(args.getFirst()));
            seen.add(r.code());
        }
        assertEquals(java.util.Set.of(1, 2, 4), seen);
    }

    @Test
    void checkPrintsWhatItCheckedAndExitsZero() {
        var r = Cli.run("check", "-c", "../conf/services.yaml");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("../conf/services.yaml: ok: 12 services, 12 listeners\n"), r.out());
        assertTrue(r.out().contains("\necho         tcp       127.0.0.1:7007  handler echo\n"), r.out());
    }

    @Test
    void checkAndListSayWhichProgramsGoThroughASpawnerAndWhichPastMaxSpawners() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("user.name").equals("root"),
                "spawners are a root daemon's");
        var table = Files.writeString(dir.resolve("spawners.yaml"), """
                max_spawners: 1
                services:
                  first: {bind: 127.0.0.1, port: 7201, user: nobody, exec: [/bin/true]}
                  second: {bind: 127.0.0.1, port: 7202, user: daemon, exec: [/bin/true]}
                """);
        for (var command : List.of("check", "list")) {
            var r = Cli.run(command, "-c", table.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("(as nobody via spawner, inherit)"), r.out());
            assertTrue(r.out().contains("(as daemon via setpriv, past max_spawners, inherit)"), r.out());
        }
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

    /** Every mistake that can be found, in every service and every included file, at once. */
    @Test
    void checkShowsEveryMistakeOfEveryServiceAndFileAtOnce() throws Exception {
        Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("conf.d/more.yaml"), """
                services:
                  d: {bind: 127.0.0.1, port: 7103, handler: echo, only_from: [300.1.1.1], protocl: tcp}
                """);
        var table = Files.writeString(dir.resolve("services.yaml"), """
                include: [conf.d/*.yaml]
                defaults:
                  bindd: 127.0.0.1
                services:
                  a:
                    port: 70000
                    handlr: echo
                  b: {bind: 127.0.0.1, port: 7101, handler: echo, instancess: 3, rate: fast}
                  c: {bind: 127.0.0.1, port: 7102, handler: ecoh, timeout_idle: forever}
                """);
        var r = Cli.run("check", "-c", table.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("""
                %1$s/conf.d/more.yaml:2:63: '300.1.1.1' is not an IPv4 or IPv6 address (expected an address or prefix such as 192.0.2.0/24 or 2001:db8::/32)
                %1$s/conf.d/more.yaml:2:75: unknown key 'protocl' (expected a service key; did you mean 'protocol'?)
                %1$s/services.yaml:3:3: unknown key 'bindd' (expected a key of defaults; did you mean 'bind'?)
                %1$s/services.yaml:5:3: service 'a' has no exec, handler or redirect (expected exactly one of 'exec:' (a program), 'handler:' (in-JVM) or 'redirect:' (forwarded))
                %1$s/services.yaml:6:11: 'port' is 70000, out of range (expected a whole number from 1 to 65535)
                %1$s/services.yaml:7:5: unknown key 'handlr' (expected a service key; did you mean 'handler'?)
                %1$s/services.yaml:8:51: unknown key 'instancess' (expected a service key; did you mean 'instances'?)
                %1$s/services.yaml:8:72: 'rate' is string 'fast' (expected a map)
                %1$s/services.yaml:9:45: handler 'ecoh' is not known (expected one of: chargen, daytime, discard, echo, http, misbehaving, peer-report, replying, time; did you mean 'echo'?)
                %1$s/services.yaml:9:65: 'timeout_idle' is string 'forever' (expected a duration such as 5s, 500ms, 2m or 1h (a bare number is seconds))
                %1$s/services.yaml: 10 problems
                """.formatted(dir), r.err());
    }

    /**
     * A user or group from the system's /etc/passwd and /etc/group, a handler from those
     * loaded: a name one or two letters off gets the nearest, as an unknown key does. The
     * group of a service whose user does not exist is checked all the same.
     */
    @Test
    void aMistypedUserGroupOrHandlerGetsTheNearestName() throws Exception {
        var table = Files.writeString(dir.resolve("typos.yaml"), """
                services:
                  a: {bind: 127.0.0.1, port: 7101, exec: [/bin/cat], user: rooot, group: roott}
                  b: {bind: 127.0.0.1, port: 7102, handler: ecoh}
                  c: {protocol: unix, path: /run/typos.sock, handler: echo, socket_user: Root, only_users: [rot]}
                  d: {bind: 127.0.0.1, port: 7103, handler: xy}
                """);
        var r = Cli.run("check", "-c", table.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("""
                %1$s:2:60: user 'rooot' does not exist (expected a user in /etc/passwd or known to getent; did you mean 'root'?)
                %1$s:2:74: group 'roott' does not exist (expected a group in /etc/group or known to getent; did you mean 'root'?)
                %1$s:3:45: handler 'ecoh' is not known (expected one of: chargen, daytime, discard, echo, http, misbehaving, peer-report, replying, time; did you mean 'echo'?)
                %1$s:4:74: user 'Root' does not exist (expected a user in /etc/passwd or known to getent; did you mean 'root'?)
                %1$s:4:93: user 'rot' does not exist (expected a user name or uid; did you mean 'root'?)
                %1$s:5:45: handler 'xy' is not known (expected one of: chargen, daytime, discard, echo, http, misbehaving, peer-report, replying, time)
                %1$s: 6 problems
                """.formatted(table), r.err());
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

    /**
     * xinetd's {@code server_args = -c 'echo hi'} gives the program the arguments {@code 'echo}
     * and {@code hi'}: check and list show each argument on its own, quoted as a shell reads it
     * back, so that the quotes that are part of one are seen. bash reads each back as written.
     */
    @Test
    void listShowsEachArgumentAsAShellReadsItBack() throws Exception {
        var args = List.of("-c", "'echo", "hi'", "\"hello", "", "a b", "$HOME", "it's \"x\" \\ `y`", "tab\there",
                "\u2028", "caf\u00e9", "--base-path=/srv/git");
        var yaml = new StringBuilder("services:\n  q:\n    bind: 127.0.0.1\n    port: 7100\n    exec:\n      - /bin/sh\n");
        for (var arg : args) {
            yaml.append("      - \"").append(arg.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t")
                    .replace("\u2028", "\\L")).append("\"\n");
        }
        var table = Files.writeString(dir.resolve("q.yaml"), yaml);
        var r = Cli.run("list", "-c", table.toString());
        assertEquals(0, r.code(), r.err());
        var shown = "exec /bin/sh -c \"'echo\" \"hi'\" '\"hello' '' 'a b' '$HOME' \"it's \\\"x\\\" \\\\ \\`y\\`\" "
                + "$'tab\\there' $'\\u2028' 'caf\u00e9' --base-path=/srv/git (as ";
        assertTrue(r.out().contains(shown), r.out());
        var check = Cli.run("check", "-c", table.toString());
        assertTrue(check.out().contains(shown), check.out());
        // Each word, given to bash as shown, is the argument again.
        var words = r.out().substring(r.out().indexOf("exec /bin/sh ") + "exec /bin/sh ".length(), r.out().indexOf(" (as "));
        var shell = new ProcessBuilder("bash", "-c", "printf '%s\\0' " + words).redirectErrorStream(true);
        // bash writes the character of a Unicode escape in a UTF-8 locale only.
        shell.environment().put("LC_ALL", "C.UTF-8");
        var bash = shell.start();
        var out = new String(bash.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, bash.waitFor());
        assertEquals(args, List.of(out.split("\0", -1)).subList(0, args.size()), out);
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
