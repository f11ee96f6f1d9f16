package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jinetd.daemon.TestDaemon;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Endpoint;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.config.ServiceTable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table jinetd import writes admits the clients xinetd 2.3.15 admits on the same file.
 * Each case is an internal echo service of a generated xinetd.conf; a real xinetd serves the
 * file, clients from several loopback addresses connect, and what xinetd did (echoed, or
 * refused) must be what the imported service decides by jinetd's own rules.
 */
class ImportParityTest {
    /** Clients inside and outside the rules: all of 127.0.0.0/8 reaches the loopback interface. */
    private static final List<String> V4_CLIENTS = List.of("127.0.0.1", "127.0.0.2", "127.1.0.1", "127.0.1.1");

    @TempDir
    Path dir;

    @BeforeEach
    void needsXinetd() {
        RealXinetd.assumeInstalled();
    }

    @Test
    void addressesMeanWhatXinetdMakesOfThem() throws Exception {
        var cases = new LinkedHashMap<String, String>();
        cases.put("any", "only_from = 0.0.0.0");
        cases.put("any-prefix", "only_from = 0.0.0.0/0");
        cases.put("trailing-zeros-8", "only_from = 127.0.0.0");
        cases.put("trailing-zeros-16", "only_from = 127.1.0.0");
        cases.put("trailing-zeros-24", "only_from = 127.0.1.0");
        cases.put("trailing-dot", "only_from = 127.0.1.");
        cases.put("one-host", "only_from = 127.0.0.1");
        cases.put("cidr", "only_from = 127.0.0.0/31");
        cases.put("factorized", "only_from = 127.0.{0,1}");
        cases.put("localhost", "only_from = localhost");
        cases.put("nobody", "only_from =");
        cases.put("no-access", "no_access = 127.0.0.2 127.1.0.0");
        cases.put("both-lists", "only_from = 127.0.0.0\n  no_access = 127.0.0.2");
        cases.put("disable", "disable = yes");
        cases.put("no-instances", "instances = 0");
        compare("", cases, cases.size() - 1);
    }

    @Test
    void defaultsCombineWithServicesAsInXinetd() throws Exception {
        var defaults = """
                  only_from = 127.0.0.1
                  only_from = 127.0.1.0 127.1.0.0
                  only_from -= 127.1.0.0
                  no_access = 127.0.1.1
                  enabled = inherits replaces adds removes unlisted-but-disabled listed-twice
                  disabled = listed-twice
                """;
        var cases = new LinkedHashMap<String, String>();
        cases.put("inherits", "");
        cases.put("replaces", "only_from = 127.1.0.0");
        cases.put("adds", "only_from += 127.1.0.0");
        cases.put("removes", "only_from -= 127.0.0.1\n  no_access -= 127.0.1.1");
        cases.put("not-enabled", "");
        cases.put("listed-twice", "");
        compare(defaults, cases, 4);
    }

    @Test
    void anIpv4WildcardAdmitsNoIpv6ClientInEither() throws Exception {
        var loopback6 = InetAddress.getByName("::1");
        var ports = RealXinetd.freePorts(loopback6, 2);
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, service("v4-any", ports.get(0), "::1", "only_from = 0.0.0.0")
                + service("v6-any", ports.get(1), "::1", "only_from = ::/0"));
        var table = imported(conf);
        try (var xinetd = RealXinetd.start(conf, 2)) {
            for (int i = 0; i < 2; i++) {
                boolean served = RealXinetd.serves(loopback6, ports.get(i), loopback6);
                assertEquals(served, admits(table, ports.get(i), loopback6), "port " + ports.get(i) + "\n" + xinetd.log());
                assertEquals(i == 1, served, "xinetd's own answer on port " + ports.get(i));
            }
        }
    }

    @Test
    void bannersReachTheClientsXinetdSendsThemTo() throws Exception {
        var loopback = InetAddress.getByName("127.0.0.1");
        var port = RealXinetd.freePorts(loopback, 1).getFirst();
        Files.writeString(dir.resolve("always"), "to everyone\n");
        Files.writeString(dir.resolve("success"), "welcome\n");
        Files.writeString(dir.resolve("fail"), "go away\n");
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, service("banners", port, "127.0.0.1", """
                only_from = 127.0.0.1
                  banner = %s
                  banner_success = %s
                  banner_fail = %s""".formatted(dir.resolve("always"), dir.resolve("success"), dir.resolve("fail"))));
        var table = imported(conf);
        var banners = table.services().getFirst().banners();
        try (var xinetd = RealXinetd.start(conf, 1)) {
            var admitted = RealXinetd.transcript(loopback, port, loopback, "parity\n");
            var refused = RealXinetd.transcript(loopback, port, InetAddress.getByName("127.0.0.2"), "parity\n");
            assertEquals("to everyone\nwelcome\nparity\n", admitted, xinetd.log());
            assertEquals("to everyone\ngo away\n", refused, xinetd.log());
            assertEquals(admitted, banners.banner().orElseThrow() + "parity\n", Files.readString(table.file()));
            assertEquals(refused, banners.fail().orElseThrow(), Files.readString(table.file()));
        }
    }

    @Test
    void aProgramGetsTheArgumentsXinetdGaveIt() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "xinetd and the imported user: root need root");
        var loopback = InetAddress.getByName("127.0.0.1");
        var ports = RealXinetd.freePorts(loopback, 2);
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, program("plain", ports.get(0), "", "plain words")
                + program("name-in-args", ports.get(1), "NAMEINARGS", "echo named words"));
        imported(conf);
        var xinetdSaw = new ArrayList<String>();
        try (var xinetd = RealXinetd.start(conf, 2)) {
            for (var port : ports) {
                xinetdSaw.add(RealXinetd.transcript(loopback, port, loopback, ""));
            }
        }
        assertEquals(List.of("plain words\n", "named words\n"), xinetdSaw);
        try (var jinetd = TestDaemon.start(Files.readString(dir.resolve("services.yaml")))) {
            for (int i = 0; i < ports.size(); i++) {
                assertEquals(xinetdSaw.get(i), RealXinetd.transcript(loopback, ports.get(i), loopback, ""),
                        Files.readString(dir.resolve("services.yaml")));
            }
        }
    }

    /**
     * xinetd splits server_args at spaces only: a quote is part of an argument. The import
     * keeps that meaning and says so beside the service.
     */
    @Test
    void quotesInServerArgsAreArgumentsAsXinetdGaveThem() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "xinetd and the imported user: root need root");
        var loopback = InetAddress.getByName("127.0.0.1");
        var port = RealXinetd.freePorts(loopback, 1).getFirst();
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, program("quoted", port, "", "'quoted words' \"x\""));
        imported(conf);
        var yaml = Files.readString(dir.resolve("services.yaml"));
        assertTrue(yaml.contains("  # server_args = 'quoted words' \"x\": xinetd splits it at spaces only, and a quote or a"
                + " backslash is no quoting to it: the program got \"'quoted\" \"words'\" '\"x\"', quotes and all,"
                + " and exec gives it the same (as jinetd check shows); if a shell's reading was meant, write exec:"
                + " [/bin/echo, 'quoted words', x]\n"), yaml);
        String xinetdSaw;
        try (var xinetd = RealXinetd.start(conf, 1)) {
            xinetdSaw = RealXinetd.transcript(loopback, port, loopback, "");
        }
        assertEquals("'quoted words' \"x\"\n", xinetdSaw);
        try (var jinetd = TestDaemon.start(yaml)) {
            assertEquals(xinetdSaw, RealXinetd.transcript(loopback, port, loopback, ""), yaml);
        }
    }

    /** What xinetd gives a program as REMOTE_HOST is the client's address, and jinetd gives the same. */
    @Test
    void xinetdsRemoteHostIsTheClientsAddress() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "xinetd and the imported user: root need root");
        var loopback = InetAddress.getByName("127.0.0.1");
        var port = RealXinetd.freePorts(loopback, 1).getFirst();
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, program("env", port, "", "REMOTE_HOST").replace("/bin/echo", "/usr/bin/printenv"));
        imported(conf);
        var yaml = Files.readString(dir.resolve("services.yaml"));
        assertTrue(yaml.contains("\n# Programs: xinetd set REMOTE_HOST to the client's address (a number, never a name);"
                + " jinetd sets REMOTE_HOST to that address too, with REMOTE_ADDR and TCPREMOTEIP beside it\n"), yaml);
        var client = InetAddress.getByName("127.0.0.2");
        String xinetdSaw;
        try (var xinetd = RealXinetd.start(conf, 1)) {
            xinetdSaw = RealXinetd.transcript(loopback, port, client, "");
        }
        assertEquals("127.0.0.2\n", xinetdSaw);
        try (var jinetd = TestDaemon.start(yaml)) {
            assertEquals(xinetdSaw, RealXinetd.transcript(loopback, port, client, ""), yaml);
        }
    }

    /** The daytime note shows the line xinetd sent and the one jinetd sends, each in the form it has. */
    @Test
    void theDaytimeNoteShowsTheLinesXinetdAndJinetdSend() throws Exception {
        var xinetdForm = "\\d\\d [A-Z]{3} \\d{4} \\d\\d:\\d\\d:\\d\\d \\S+";
        var jinetdForm = "[A-Z][a-z]+day, [A-Z][a-z]+ \\d{1,2}, \\d{4} \\d\\d:\\d\\d:\\d\\d-\\S+";
        var loopback = InetAddress.getByName("127.0.0.1");
        var port = RealXinetd.freePorts(loopback, 1).getFirst();
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, """
                service daytime
                {
                  type = INTERNAL UNLISTED
                  socket_type = stream
                  protocol = tcp
                  wait = no
                  port = %d
                  bind = 127.0.0.1
                  flags = REUSE NOLIBWRAP
                }
                """.formatted(port));
        imported(conf);
        var yaml = Files.readString(dir.resolve("services.yaml"));
        var note = java.util.regex.Pattern.compile("# daytime: xinetd's sent '([^']+)' .*RFC 867's form, '([^']+)'")
                .matcher(yaml);
        assertTrue(note.find(), yaml);
        assertTrue(note.group(1).matches(xinetdForm), note.group(1));
        assertTrue(note.group(2).matches(jinetdForm), note.group(2));
        try (var xinetd = RealXinetd.start(conf, 1)) {
            var line = RealXinetd.transcript(loopback, port, loopback, "");
            assertTrue(line.matches(xinetdForm + "\r\n"), line);
        }
        try (var jinetd = TestDaemon.start(yaml)) {
            var line = RealXinetd.transcript(loopback, port, loopback, "");
            assertTrue(line.matches(jinetdForm + "\r\n"), line);
        }
    }

    /** A program service of xinetd: /bin/echo, run as root (flags first: xinetd reads NAMEINARGS in order). */
    private static String program(String id, int port, String flags, String arguments) {
        return """
                service %s
                {
                  type = UNLISTED
                  socket_type = stream
                  protocol = tcp
                  wait = no
                  user = root
                  flags = REUSE NOLIBWRAP %s
                  server = /bin/echo
                  server_args = %s
                  port = %d
                  bind = 127.0.0.1
                }
                """.formatted(id, flags, arguments, port);
    }

    /**
     * Serves {@code cases} (id → attributes) with xinetd under {@code defaults}, and asks
     * the imported table about every client each case saw served or refused.
     */
    private void compare(String defaults, Map<String, String> cases, int listening) throws Exception {
        var loopback = InetAddress.getByName("127.0.0.1");
        var ports = RealXinetd.freePorts(loopback, cases.size());
        var text = new StringBuilder(defaults.isEmpty() ? "" : "defaults\n{\n" + defaults + "}\n");
        var byPort = new LinkedHashMap<Integer, String>();
        int i = 0;
        for (var c : cases.entrySet()) {
            text.append(service(c.getKey(), ports.get(i), "127.0.0.1", c.getValue()));
            byPort.put(ports.get(i++), c.getKey());
        }
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, text);
        var table = imported(conf);
        var mismatches = new ArrayList<String>();
        int served = 0;
        try (var xinetd = RealXinetd.start(conf, listening)) {
            for (var entry : byPort.entrySet()) {
                for (var client : V4_CLIENTS) {
                    var from = InetAddress.getByName(client);
                    boolean xinetdServes = RealXinetd.serves(loopback, entry.getKey(), from);
                    served += xinetdServes ? 1 : 0;
                    if (xinetdServes != admits(table, entry.getKey(), from)) {
                        mismatches.add(entry.getValue() + " from " + client + ": xinetd "
                                + (xinetdServes ? "serves, the imported table refuses" : "refuses, the imported table admits"));
                    }
                }
            }
            assertTrue(mismatches.isEmpty(), String.join("\n", mismatches) + "\n" + Files.readString(
                    table.file()) + "\n" + xinetd.log());
        }
        // Both answers occur, so a table that admitted (or refused) everyone could not pass.
        assertTrue(served > 0 && served < byPort.size() * V4_CLIENTS.size(), "served " + served);
    }

    private ServiceTable imported(Path conf) throws Exception {
        var out = dir.resolve("services.yaml");
        var run = Cli.run("import", conf.toString(), "-o", out.toString());
        assertEquals(0, run.code(), run.err() + "\n" + Files.readString(out));
        return assertInstanceOf(Loaded.Ok.class, Config.load(out)).table();
    }

    /** What jinetd decides for a client of the service on {@code port}: served only if enabled and admitted. */
    private static boolean admits(ServiceTable table, int port, InetAddress client) {
        Service service = table.services().stream()
                .filter(s -> s.endpoint() instanceof Endpoint.Inet inet && inet.port() == port)
                .findFirst().orElseThrow(() -> new AssertionError("no service on port " + port));
        return !service.disabled() && service.access().refusal(client).isEmpty();
    }

    /** An internal echo service of xinetd (xinetd finds its internal services by name, so each is "echo"). */
    private static String service(String id, int port, String bind, String attributes) {
        return """
                service echo
                {
                  type = INTERNAL UNLISTED
                  id = %s
                  socket_type = stream
                  protocol = tcp
                  wait = no
                  port = %d
                  bind = %s
                  flags = REUSE NOLIBWRAP
                  %s
                }
                """.formatted(id, port, bind, attributes);
    }
}
