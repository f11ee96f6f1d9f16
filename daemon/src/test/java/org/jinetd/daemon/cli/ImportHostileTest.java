package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Loaded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Old files that are malformed, or written to make import write something else than they
 * say: each malformed field is a note or a problem at its line, never an internal error,
 * and no text of theirs becomes a key, a list or a number of the table.
 */
class ImportHostileTest {
    @TempDir
    Path dir;

    /** Imports {@code conf} into a table; asserts that import ended as it should (0, or 1 for check's problems). */
    private String imported(String conf) throws Exception {
        var file = dir.resolve("old.conf");
        Files.writeString(file, conf);
        var table = dir.resolve("services.yaml");
        var run = Cli.run("import", file.toString(), "-o", table.toString());
        assertTrue(run.code() == 0 || run.code() == 1 && !run.err().contains("internal error"), run.err());
        return Files.readString(table);
    }

    /**
     * The main table's defaults are quoted in the comments of an included import: a line
     * separator there (data, in quotes, to the table) stays in its comment, so that nothing
     * of it becomes a key of the included file.
     */
    @Test
    void theMainTablesDefaultsStayInTheirComments() throws Exception {
        Files.createDirectory(dir.resolve("conf.d"));
        var main = Files.writeString(dir.resolve("services.yaml"), "include: [conf.d/*.yaml]\ndefaults:\n"
                + "  bind: \"127.0.0.1\\Lservices: {evil: {exec: [/bin/sh]}}\"\n  banner: \"a\\Pb\"\nservices: {}\n");
        var conf = Files.writeString(dir.resolve("inetd.conf"), "7100 stream tcp nowait root /bin/cat cat\n");
        var out = dir.resolve("conf.d/inetd.yaml");
        var run = Cli.run("import", conf.toString(), "-c", main.toString(), "-o", out.toString());
        assertTrue(run.code() == 0 || run.code() == 1 && !run.err().contains("internal error"), run.err());
        var yaml = Files.readString(out);
        assertFalse(yaml.contains("\u2028") || yaml.contains("\u2029"), yaml);
        assertTrue(yaml.contains("the defaults of services.yaml say bind: 127.0.0.1\\Lservices: {evil:"), yaml);
        var tree = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(out.toFile());
        var keys = new java.util.ArrayList<String>();
        tree.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("services"), keys, yaml);
        var names = new java.util.ArrayList<String>();
        tree.get("services").fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("7100"), names, yaml);
    }

    @Test
    void aMaxThatIsNoNumberIsANoteAtItsLine() throws Exception {
        var file = dir.resolve("inetd.conf");
        Files.writeString(file, "echo stream tcp nowait.x root internal\n");
        var run = Cli.run("import", file.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("  # line 1: nowait.x: inetd reads no number of at least 1 in 'x' (it logs"
                + " 'illegal max field' and takes its default of 256 a minute); no rate is written\n  echo:\n"
                + "    port: echo\n    handler: echo\n"), run.out());
        assertFalse(run.out().contains("rate:"), run.out());
    }

    @Test
    void aMaxIsReadAsInetdReadsIt() throws Exception {
        var yaml = imported("""
                7101 stream tcp nowait.0x10 nobody /bin/cat cat
                7102 stream tcp nowait.0200 nobody /bin/cat cat
                7103 stream tcp nowait.0 nobody /bin/cat cat
                7104 stream tcp nowait.99999999999999999999 nobody /bin/cat cat
                7105 stream tcp nowait.1e3 nobody /bin/cat cat
                """);
        assertTrue(yaml.contains("rate: {per_second: 0.267, burst: 16}  # inetd's .0x10"), yaml);
        assertTrue(yaml.contains("rate: {per_second: 2.133, burst: 128}  # inetd's .0200"), yaml);
        for (var line : List.of("3: nowait.0:", "4: nowait.99999999999999999999:", "5: nowait.1e3:")) {
            assertTrue(yaml.contains("# line " + line + " inetd reads no number of at least 1"), yaml);
        }
    }

    @Test
    void aRateIsWrittenTheSameInEveryLocale() throws Exception {
        var before = Locale.getDefault(Locale.Category.FORMAT);
        Locale.setDefault(Locale.Category.FORMAT, Locale.GERMANY);
        try {
            var yaml = imported("7100 stream tcp nowait.200 nobody /bin/cat cat\n");
            assertTrue(yaml.contains("rate: {per_second: 3.333, burst: 200}"), yaml);
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, before);
        }
    }

    /** Fields that are no path Java can make, or whose last part is nothing. */
    @ParameterizedTest
    @ValueSource(strings = {
            "7100 stream tcp nowait nobody / cat",
            "7100 stream tcp nowait nobody /bin/ca\u0000t cat",
            "/ stream unix nowait nobody /bin/cat cat",
            "/run/x\u0000.sock stream unix nowait nobody /bin/cat cat",
    })
    void aFieldThatIsNoPathIsAProblemNotACrash(String line) throws Exception {
        var yaml = imported(line + "\n");
        assertTrue(yaml.contains("services:\n\n  "), yaml);
    }

    @Test
    void onlyABannerFailIsWrittenAsIs() throws Exception {
        var banner = Files.writeString(dir.resolve("fail.txt"), "go away\n");
        var yaml = imported("service daytime\n{\n  type = INTERNAL\n  port = 7013\n  banner_fail = " + banner + "\n}\n");
        assertTrue(yaml.contains("    banner_fail: {file: " + banner + "}\n"), yaml);
        assertFalse(yaml.contains("    banner:"), yaml);
    }

    @Test
    void aServerOrRedirectWithNoValueIsNothingToRun() throws Exception {
        var yaml = imported("service a\n{\n  port = 7100\n  server =\n}\nservice b\n{\n  port = 7101\n  redirect =\n}\n");
        assertEquals(2, yaml.split("no server, redirect or INTERNAL type: nothing to run; disabled", -1).length - 1, yaml);
    }

    /**
     * xinetd's numbers: a value xinetd cannot read disables the service ("Error parsing
     * attribute"), and nothing of it is written; in the defaults, xinetd exits.
     */
    @Test
    void aNumberXinetdCannotReadDisablesItsService() throws Exception {
        var yaml = imported("""
                service echo
                {
                    type = INTERNAL
                    port = 7007\u2028user:root
                    instances = 5\u2028defaults:{env:{LD_PRELOAD:/x.so}}
                    cps = 0x10 10
                    per_source = 0.5
                }
                service daytime
                {
                    port = 70000
                    cps = 7
                    server = /bin/date
                    nice = ten
                }
                """);
        var where = dir.resolve("old.conf") + " line ";
        assertTrue(yaml.contains("    disabled: true  # port = 7007\\Luser:root (" + where + "4): xinetd cannot read it"
                + " and disables the service; instances = 5\\Ldefaults:{env:{LD_PRELOAD:/x.so}} (" + where + "5): xinetd"
                + " cannot read it and disables the service; per_source = 0.5 (" + where + "7): xinetd cannot read it"
                + " and disables the service; cps = 0x10 10 (" + where + "6): xinetd cannot read it and disables the"
                + " service\n"), yaml);
        assertTrue(yaml.contains("  # cps = 7 (" + where + "12): xinetd expects two values and ignores it\n"), yaml);
        assertTrue(yaml.contains("    disabled: true  # port = 70000 (" + where + "11): xinetd cannot read it and"
                + " disables the service; nice = ten (" + where + "14): xinetd cannot read it"), yaml);
        var services = yaml.substring(yaml.indexOf("\nservices:"));
        assertFalse(services.matches("(?s).*\n +(nice|instances|per_source|user|port|rate):.*"), yaml);
        var loaded = assertInstanceOf(Loaded.Ok.class, Config.load(dir.resolve("services.yaml")), yaml);
        assertTrue(loaded.table().services().stream().allMatch(s -> s.disabled()), yaml);
    }

    @Test
    void aNumberTheDefaultsCannotReadDisablesEveryService() throws Exception {
        var yaml = imported("defaults\n{\n  instances = many\n}\nservice daytime\n{\n  type = INTERNAL\n  port = 7013\n}\n");
        assertTrue(yaml.contains("# defaults: instances = many (" + dir.resolve("old.conf") + " line 3): xinetd cannot"
                + " read it and exits (it served nothing with this file), so every service is disabled\n"), yaml);
        assertTrue(yaml.contains("    disabled: true  # xinetd exits on the defaults' instances = many\n"), yaml);
    }

    @Test
    void aBannerThatNeverEndsIsNotRead() throws Exception {
        var success = Files.writeString(dir.resolve("ok.txt"), "welcome\n");
        var yaml = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> imported("service daytime\n{\n"
                + "  type = INTERNAL\n  port = 7013\n  banner = /dev/zero\n  banner_success = " + success + "\n}\n"));
        assertTrue(yaml.contains("# banner: xinetd sent /dev/zero first; it could not be read here (not a regular file:"
                + " a character device), so only " + success + " is sent\n"), yaml);
    }

    @Test
    void anIncludeThatIsNoPathIsANote() throws Exception {
        var yaml = imported("include /etc/x\u0000y\nservice daytime\n{\n  type = INTERNAL\n  port = 7013\n}\n");
        assertTrue(yaml.contains("# " + dir.resolve("old.conf") + " line 1: '/etc/x\\x00y' is no path (Nul character"
                + " not allowed); not read\n"), yaml);
    }

    @Test
    void aFileThatIsNotUtf8IsNamed() throws Exception {
        var latin1 = dir.resolve("latin1");
        Files.write(latin1, "service daytime\n{\n  # caf\u00e9\n}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        var conf = Files.writeString(dir.resolve("xinetd.conf"), "include " + latin1 + "\nservice echo\n{\n}\n");
        var run = Cli.run("import", conf.toString());
        assertEquals(1, run.code(), run.err());
        assertEquals("jinetd: cannot import " + conf + ": " + latin1 + " is not UTF-8 text\n", run.err());
    }

    /**
     * Text that YAML reads as something else when written bare (a number, a boolean, a
     * reserved character, a line break) reaches the program as the text it was.
     */
    @Test
    void argumentsReachTheProgramAsWritten() throws Exception {
        // inetd reads no '#' but as a comment, and splits at spaces and tabs only.
        var args = List.of(".inf", "0x1F", ".5", "1_000", "yes", "y", "~", "@x", "-", "--", "-.5", "a:b", "'q'",
                "\"d\"", "x\u0085y", "x\u2029y", "\u202eevil", "\ufeffbom", "nb\u00a0sp", "e\u0301", "\ud83d\ude00");
        var yaml = imported("7100 stream tcp nowait nobody /bin/echo echo " + String.join(" ", args) + "\n");
        var loaded = assertInstanceOf(Loaded.Ok.class, Config.load(dir.resolve("services.yaml")), yaml);
        var exec = assertInstanceOf(Launch.Exec.class, loaded.table().services().getFirst().launch());
        assertEquals(args, exec.argv().subList(1, exec.argv().size()), yaml);
        assertTrue(yaml.contains("\"\\u202Eevil\", \"\\uFEFFbom\", \"nb\\_sp\""), yaml);
    }

    /** A bidi override or a zero-width space would make an editor show a note other than the one written. */
    @Test
    void aNoteShowsEveryInvisibleCharacterAsItsEscape() throws Exception {
        var yaml = imported("x\u202e\u200bdefaults\u2066 \u001b[2Jy\n");
        assertTrue(yaml.contains("# line 1 has fewer than six fields and was skipped: x\\u202E\\u200Bdefaults\\u2066"
                + " \\x1B[2Jy\n"), yaml);
        assertTrue(yaml.codePoints().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), yaml);
    }
}
