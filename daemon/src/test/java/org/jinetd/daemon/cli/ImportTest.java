package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Loaded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jinetd import of the files Debian's xinetd ships and of an inetd.conf; jinetd check takes the result. */
class ImportTest {
    @TempDir
    Path dir;

    private static Path resource(String name) throws Exception {
        return Path.of(ImportTest.class.getResource("/import/" + name).toURI());
    }

    @Test
    void importsDebiansXinetdTableWithItsIncludedirAndCheckTakesIt() throws Exception {
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, Files.readString(resource("xinetd.conf"))
                .replace("includedir /etc/xinetd.d", "includedir " + resource("xinetd.d")));
        var table = dir.resolve("services.yaml");
        var imported = Cli.run("import", conf.toString(), "-o", table.toString());
        assertEquals(0, imported.code(), imported.err());
        var yaml = Files.readString(table);
        assertTrue(yaml.contains("\n  echo:\n    handler: echo\n    disabled: true  # disable = yes\n"), yaml);
        assertTrue(yaml.contains("\n  # xinetd's service echo (udp)\n  # id = echo-dgram: the service's name is its id\n"
                + "  echo-udp:\n    protocol: udp\n    port: echo\n    handler: echo\n    disabled: true  # disable = yes\n"), yaml);
        assertTrue(yaml.contains("# xinetd's internal service servers has no jinetd counterpart; disabled"), yaml);
        var check = Cli.run("check", "-c", table.toString());
        assertEquals(0, check.code(), check.err() + "\n" + yaml);
        assertTrue(check.out().contains(": ok: 17 services, 0 listeners, 17 disabled"), check.out());
    }

    @Test
    void xinetdsDefaultsBecomeTheTablesDefaultsOnce() throws Exception {
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, """
                defaults
                {
                    log_type    = SYSLOG daemon info
                    only_from   = 127.0.0.1 ::1
                    instances   = 30
                    cps         = 25 30
                    umask       = 022
                }
                service daytime
                {
                    type        = INTERNAL
                    socket_type = stream
                    port        = 7013
                    wait        = no
                }
                service hello
                {
                    socket_type = stream
                    port        = 7100
                    wait        = no
                    user        = root
                    server      = /bin/echo
                    server_args = hello
                    instances   = 5
                }
                """);
        var table = dir.resolve("services.yaml");
        var imported = Cli.run("import", conf.toString(), "-o", table.toString());
        assertEquals(0, imported.code(), imported.err());
        var yaml = Files.readString(table);
        assertTrue(yaml.contains("# defaults: log_type = SYSLOG daemon info: one log for the whole table: the top-level log:"), yaml);
        assertTrue(yaml.contains("\ndefaults:\n  umask: '022'\n  only_from: ['127.0.0.1', '::1']\n  instances: 30\n"
                + "  rate: {per_second: 25, burst: 25}  # xinetd's cps"), yaml);
        // Each service says only what is its own.
        assertTrue(yaml.contains("\n  daytime:\n    port: 7013\n    handler: daytime\n\n"), yaml);
        assertTrue(yaml.contains("    exec: [/bin/echo, hello]\n    user: root\n    instances: 5\n"), yaml);
        assertEquals(1, yaml.split("only_from", -1).length - 1, yaml);
        var check = Cli.run("check", "-c", table.toString());
        assertEquals(0, check.code(), check.err() + "\n" + yaml);
    }

    /**
     * The package's table, as installed, in {@code dir}: its include of conf.d/*.yaml and its
     * plugins directory (one of the test's own) with it.
     */
    private Path packageTable() throws Exception {
        Files.createDirectories(dir.resolve("conf.d"));
        Files.createDirectories(dir.resolve("plugins"));
        var table = dir.resolve("services.yaml");
        Files.writeString(table, Files.readString(Path.of("../conf/etc/services.yaml"))
                .replace("plugins: /etc/jinetd/plugins", "plugins: " + dir.resolve("plugins")));
        assertEquals(0, Cli.run("check", "-c", table.toString()).code(), "the package's table");
        return table;
    }

    /**
     * The migration in one command: Debian's xinetd table, imported into the package's conf.d,
     * is used as it is written: services alone, xinetd's defaults in each, names that the
     * package's table has (echo, daytime) not taken again, and the package's defaults (bind:
     * 127.0.0.1) undone where xinetd did otherwise.
     */
    @Test
    void importsDebiansXinetdTableIntoThePackagesConfDAsItIs() throws Exception {
        var table = packageTable();
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, Files.readString(resource("xinetd.conf"))
                .replace("includedir /etc/xinetd.d", "includedir " + resource("xinetd.d")));
        var out = dir.resolve("conf.d/xinetd.yaml");
        var imported = Cli.run("import", conf.toString(), "-c", table.toString(), "-o", out.toString());
        assertEquals(0, imported.code(), imported.err());
        assertEquals("jinetd: wrote %s, services that %s includes\n".formatted(out, table), imported.out());
        var yaml = Files.readString(out);
        var keys = new java.util.ArrayList<String>();
        new ObjectMapper(new YAMLFactory()).readTree(out.toFile()).fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("services"), keys, yaml);
        assertTrue(yaml.contains("\n# Included by " + table + ": services alone, as an included file holds nothing else;"
                + " xinetd's defaults are written into each service.\n# Check it with: jinetd check -c " + table + "\n"), yaml);
        assertTrue(yaml.contains("\n  # xinetd's service echo (tcp)\n  # id = echo-stream: the service's name is its id\n"
                + "  echo-tcp:\n    port: echo\n    handler: echo\n"
                + "    disabled: true  # disable = yes\n    instances: unlimited\n    rate: {per_second: 50, burst: 50}\n"
                + "    bind: '::'  # xinetd listened on every address; the defaults of services.yaml say bind: 127.0.0.1\n"),
                yaml);
        var check = Cli.run("check", "-c", table.toString());
        assertEquals(0, check.code(), check.err() + "\n" + yaml);
        assertTrue(check.out().contains(": ok: 19 services, 2 listeners, 17 disabled"), check.out());
        assertTrue(check.out().contains("\necho-tcp     tcp       [::]:7           handler echo [disabled]\n"), check.out());
    }

    /** A program service: xinetd's defaults reach it in the included file as they did in xinetd. */
    @Test
    void xinetdsDefaultsAreWrittenIntoEachServiceOfAnIncludedFile() throws Exception {
        var table = packageTable();
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, """
                defaults
                {
                    only_from   = 127.0.0.1 ::1
                    instances   = 30
                    umask       = 022
                }
                service hello
                {
                    socket_type = stream
                    port        = 7100
                    wait        = no
                    user        = root
                    server      = /bin/echo
                    server_args = hello
                    instances   = 5
                }
                """);
        var out = dir.resolve("conf.d/xinetd.yaml");
        var imported = Cli.run("import", conf.toString(), "-c", table.toString(), "-o", out.toString());
        assertEquals(0, imported.code(), imported.err());
        var yaml = Files.readString(out);
        assertTrue(yaml.contains("\n  hello:\n    port: 7100\n    exec: [/bin/echo, hello]\n    user: root\n    instances: 5\n"
                + "    umask: '022'\n    only_from: ['127.0.0.1', '::1']\n    rate: {per_second: 50, burst: 50}\n"
                + "    bind: '::'  # xinetd listened on every address; the defaults of services.yaml say bind: 127.0.0.1\n"),
                yaml);
        var loaded = assertInstanceOf(Loaded.Ok.class, Config.load(table), yaml).table();
        var hello = loaded.service("hello").orElseThrow();
        assertEquals(5, hello.limits().instances());
        assertEquals(2, hello.access().onlyFrom().size());
        assertEquals("[::]:7100", hello.endpoint().shown());
    }

    /** An included file is checked with the table that includes it: a problem names its own file. */
    @Test
    void anIncludedImportIsCheckedWithItsMainTable() throws Exception {
        var table = packageTable();
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, "service gone\n{\n  port = 7100\n  wait = no\n  user = root\n  server = /nonexistent/in.gone\n}\n");
        var out = dir.resolve("conf.d/xinetd.yaml");
        var imported = Cli.run("import", conf.toString(), "-c", table.toString(), "-o", out.toString());
        assertEquals(1, imported.code(), imported.err());
        assertTrue(imported.err().startsWith(out.toAbsolutePath() + ":"), imported.err());
        assertTrue(imported.err().contains("'/nonexistent/in.gone' does not exist"), imported.err());
        assertTrue(imported.err().endsWith("jinetd: the main table " + table + ", with it, fails 'jinetd check' with 1"
                + " problem: fix it before serving it\n"), imported.err());
    }

    /**
     * xinetd's users must not lose the package's conf.d and plugins silently: the main table
     * is replaced only when asked, and the refusal says what to write instead.
     */
    @Test
    void refusesToReplaceTheMainTableUnlessAsked() throws Exception {
        var table = packageTable();
        var before = Files.readString(table);
        var conf = dir.resolve("inetd.conf");
        Files.writeString(conf, "7100 stream tcp nowait root /bin/cat cat\n");
        var refused = Cli.run("import", conf.toString(), "-c", table.toString(), "-o", table.toString());
        assertEquals(2, refused.code(), refused.err());
        assertEquals(("jinetd: %s is the main table, and import would replace it (losing its include:, plugins:, 2"
                + " services): write to %s, which it includes, or add --replace to overwrite it\n")
                .formatted(table, dir.toRealPath().resolve("conf.d/inetd.yaml")), refused.err());
        assertEquals("", refused.out());
        assertEquals(before, Files.readString(table));
        // The same file by another name is the same table.
        var other = dir.resolve("conf.d/../services.yaml");
        assertEquals(2, Cli.run("import", conf.toString(), "-c", table.toString(), "-o", other.toString()).code());
        assertEquals(before, Files.readString(table));

        var replaced = Cli.run("import", conf.toString(), "-c", table.toString(), "-o", table.toString(), "--replace");
        assertEquals(0, replaced.code(), replaced.err());
        assertTrue(Files.readString(table).contains("\n  '7100':\n    port: '7100'\n    exec: [/bin/cat]\n"),
                Files.readString(table));
        assertFalse(Files.readString(table).contains("include:"), Files.readString(table));
    }

    /** A table of its own written into conf.d (by hand, or from standard output) is said to be one, with the way out. */
    @Test
    void aTableOfItsOwnInConfDIsSaidToBeOne() throws Exception {
        var table = packageTable();
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, "defaults\n{\n  instances = 30\n}\nservice daytime\n{\n  type = INTERNAL\n"
                + "  port = 7013\n}\n");
        var printed = Cli.run("import", conf.toString());
        assertEquals(0, printed.code(), printed.err());
        var out = Files.writeString(dir.resolve("conf.d/xinetd.yaml"), printed.out());
        var check = Cli.run("check", "-c", table.toString());
        assertEquals(1, check.code());
        assertTrue(check.err().contains(out.toAbsolutePath() + ":4:1: 'defaults' in an included file (expected services:"
                + " alone; the defaults of the including table apply here: write these keys into each service (jinetd"
                + " import -o conf.d/NAME.yaml does))\n"), check.err());
        var imported = Cli.run("import", conf.toString(), "-c", table.toString(), "-o", out.toString());
        assertEquals(0, imported.code(), imported.err());
        assertEquals(0, Cli.run("check", "-c", table.toString()).code());
    }

    @Test
    void importsAnInetdConfAndCheckTakesIt() throws Exception {
        var table = dir.resolve("services.yaml");
        var imported = Cli.run("import", resource("inetd.conf").toString(), "-o", table.toString());
        assertEquals(0, imported.code(), imported.err());
        var yaml = Files.readString(table);
        assertTrue(yaml.contains("# line 15: RPC service rstatd/1-3 is not supported and was skipped"), yaml);
        assertTrue(yaml.contains("\n  tftp:\n    protocol: udp\n    port: tftp\n"
                + "    exec: [/usr/sbin/in.tftpd, --secure, /srv/tftp]\n    wait: true\n    user: root\n"), yaml);
        assertTrue(yaml.contains("    rate: {per_second: 3.333, burst: 200}  # inetd's .200 switched the service off"), yaml);
        assertTrue(yaml.contains("\n  daytime:\n    port: daytime\n    bind: '::'\n    v6only: true\n    handler: daytime\n"),
                yaml);
        assertTrue(yaml.contains("\n  # daytime: inetd's sent ctime's form, 'Sun Dec  6 18:30:04 2026'; jinetd's daytime"
                + " sends RFC 867's form, 'Sunday, December 6, 2026 18:30:04-UTC' (in the local time zone, ending in CR"
                + " LF): a client that reads the line must read this form\n"), yaml);
        assertTrue(yaml.contains("\n  '9999':\n    port: '9999'\n    bind: '127.0.0.1'\n    exec: [/bin/cat]\n"), yaml);
        var check = Cli.run("check", "-c", table.toString());
        assertEquals(0, check.code(), check.err() + "\n" + yaml);
    }

    @Test
    void importFailsAsCheckDoesWhenItsTableHasProblemsAndStillWritesIt() throws Exception {
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, """
                service gone
                {
                    port        = 7100
                    wait        = no
                    user        = nobody
                    server      = /nonexistent/in.gone
                }
                """);
        var table = dir.resolve("services.yaml");
        var imported = Cli.run("import", conf.toString(), "-o", table.toString());
        assertEquals(1, imported.code(), imported.err());
        assertTrue(Files.readString(table).contains("exec: [/nonexistent/in.gone]"), Files.readString(table));
        var check = Cli.run("check", "-c", table.toString());
        assertEquals(1, check.code(), check.err());
        var problem = check.err().lines().findFirst().orElseThrow();
        assertTrue(problem.startsWith(table + ":") && problem.contains("'/nonexistent/in.gone' does not exist"), problem);
        assertTrue(imported.err().startsWith(problem + "\n"), imported.err());
        assertTrue(imported.err().contains("the imported table fails 'jinetd check' with 1 problem"), imported.err());
    }

    @Test
    void aTablePrintedOnStandardOutputIsCheckedToo() throws Exception {
        var conf = dir.resolve("inetd.conf");
        Files.writeString(conf, "7100 stream tcp nowait nobody /nonexistent/in.gone in.gone\n");
        var imported = Cli.run("import", conf.toString());
        assertEquals(1, imported.code(), imported.err());
        assertTrue(imported.out().contains("exec: [/nonexistent/in.gone]"), imported.out());
        assertTrue(imported.err().startsWith("(standard output):"), imported.err());
        assertTrue(imported.err().contains("'/nonexistent/in.gone' does not exist"), imported.err());
        var good = dir.resolve("good.conf");
        Files.writeString(good, "echo stream tcp nowait root internal\n");
        var clean = Cli.run("import", good.toString());
        assertEquals(0, clean.code(), clean.err());
        assertEquals("", clean.err());
    }

    /**
     * A line separator (U+2028) on a line inetd's import skips: YAML reads it as a line break,
     * so written raw into the comment that quotes the line it would end the comment, and the
     * rest would become the table's defaults, LD_PRELOAD for a program that runs as root.
     */
    @Test
    void aLineSeparatorOnASkippedLineStaysInItsComment() throws Exception {
        var conf = dir.resolve("inetd.conf");
        Files.writeString(conf, "oops\u2028defaults: {env: {LD_PRELOAD: /dev/shm/x.so}}\n"
                + "7100 stream tcp nowait root /bin/cat cat\n");
        var table = dir.resolve("services.yaml");
        var imported = Cli.run("import", conf.toString(), "-o", table.toString());
        assertEquals(0, imported.code(), imported.err());
        var yaml = Files.readString(table);
        assertTrue(yaml.contains("# line 1 has fewer than six fields and was skipped: oops\\Ldefaults: {env: "
                + "{LD_PRELOAD: /dev/shm/x.so}}\n"), yaml);
        assertFalse(yaml.contains("\u2028"), yaml);
        var loaded = assertInstanceOf(Loaded.Ok.class, Config.load(table), yaml);
        assertEquals(1, loaded.table().services().size(), yaml);
        for (var service : loaded.table().services()) {
            var exec = assertInstanceOf(Launch.Exec.class, service.launch(), yaml);
            assertEquals(Map.of(), exec.env(), yaml);
        }
        var keys = new java.util.ArrayList<String>();
        new ObjectMapper(new YAMLFactory()).readTree(table.toFile()).fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("services"), keys, yaml);
    }

    /**
     * An editor finds the schema where the package installs it, whether the table is written
     * in /etc/jinetd/ or in /etc/jinetd/conf.d/: the path the package build installs it at.
     */
    @Test
    void theSchemaLineNamesTheSchemaWhereThePackageInstallsIt() throws Exception {
        var build = Files.readString(Path.of("src/deb/build.sh"));
        var installed = java.util.regex.Pattern.compile("\"\\$repo/conf/services\\.schema\\.json\" \"\\$root(/\\S+)\"")
                .matcher(build);
        assertTrue(installed.find(), "build.sh installs no schema");
        var line = "# yaml-language-server: $schema=" + installed.group(1);
        var conf = dir.resolve("inetd.conf");
        Files.writeString(conf, "echo stream tcp nowait root internal\n");
        var imported = Cli.run("import", conf.toString());
        assertEquals(0, imported.code(), imported.err());
        assertEquals(line, imported.out().lines().findFirst().orElseThrow());
        assertEquals(line, Files.readAllLines(Path.of("../conf/etc/services.yaml")).getFirst(), "the package's table");
        assertTrue(Files.isRegularFile(Path.of("../conf/services.schema.json")));
    }

    @Test
    void aFileThatCannotBeReadIsAClearError() {
        var missing = Cli.run("import", dir.resolve("nope.conf").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("jinetd: cannot import " + dir.resolve("nope.conf")), missing.err());
    }
}
