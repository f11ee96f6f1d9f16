package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A YAML alias stands for its anchor's value, whatever the value, and is reported at its own place. */
class AliasTest {
    @TempDir
    Path dir;

    private Loaded load(String yaml) throws IOException {
        var file = dir.resolve("services.yaml");
        Files.writeString(file, yaml);
        return new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0).read(file);
    }

    private ServiceTable table(String yaml) throws IOException {
        var loaded = load(yaml);
        return assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table();
    }

    private List<String> problems(String yaml) throws IOException {
        var loaded = load(yaml);
        return assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString).problems().stream()
                .map(p -> p.toString().substring(dir.resolve("services.yaml").toString().length() + 1)).toList();
    }

    private static Launch.Exec exec(ServiceTable table, String name) {
        return assertInstanceOf(Launch.Exec.class, table.service(name).orElseThrow().launch());
    }

    @Test
    void aScalarAliasIsTheAnchorsValueNotItsName() throws IOException {
        var table = table("""
                defaults: {user: &adm nobody, bind: 127.0.0.1}
                services:
                  cat: {port: 7101, exec: [/bin/cat], user: *adm}
                """);
        assertEquals("nobody", exec(table, "cat").runAs().user());
    }

    @Test
    void aListAliasIsTheAnchorsList() throws IOException {
        var table = table("""
                services:
                  a: {bind: 127.0.0.1, port: 7101, handler: echo, only_from: &nets [10.0.0.0/8, 192.0.2.0/24]}
                  b: {bind: 127.0.0.1, port: 7102, handler: echo, only_from: *nets}
                """);
        assertEquals(table.service("a").orElseThrow().access().onlyFrom(),
                table.service("b").orElseThrow().access().onlyFrom());
        assertEquals(2, table.service("b").orElseThrow().access().onlyFrom().size());
    }

    @Test
    void aMapAliasIsTheAnchorsMap() throws IOException {
        var table = table("""
                services:
                  a: {bind: 127.0.0.1, port: 7101, exec: [/bin/cat], user: root, env: &env {LANG: C.UTF-8, DEBUG: '1'}}
                  b: {bind: 127.0.0.1, port: 7102, exec: [/bin/cat], user: root, env: *env}
                """);
        assertEquals(Map.of("LANG", "C.UTF-8", "DEBUG", "1"), exec(table, "b").env());
    }

    @Test
    void aMergeKeyAddsTheAnchorsKeysAndTheServicesOwnWin() throws IOException {
        var table = table("""
                services:
                  a: &base {bind: 127.0.0.1, exec: [/bin/cat], user: nobody, instances: 5, port: 7101}
                  b: {<<: *base, port: 7102, user: root}
                  c: {<<: [{port: 7103}, *base]}
                """);
        assertEquals("nobody", exec(table, "a").runAs().user());
        assertEquals("root", exec(table, "b").runAs().user());
        assertEquals(5, table.service("b").orElseThrow().limits().instances());
        // From a list of maps, the first that has a key gives it.
        assertEquals(7103, ((Endpoint.Inet) table.service("c").orElseThrow().endpoint()).port());
        assertEquals("nobody", exec(table, "c").runAs().user());
    }

    @Test
    void aWrongValueThroughAnAliasIsReportedWhereTheAliasIs() throws IOException {
        assertEquals(List.of(
                "2:60: 'port' is 70000, out of range (expected a whole number from 1 to 65535)",
                "3:60: 'port' is 70000, out of range (expected a whole number from 1 to 65535)"),
                problems("""
                        services:
                          a: {bind: 127.0.0.1, handler: echo, protocol: tcp, port: &big 70000}
                          b: {bind: 127.0.0.1, handler: echo, protocol: udp, port: *big}
                        """));
    }

    @Test
    void anAliasWithoutAnAnchorIsAProblem() throws IOException {
        assertEquals(List.of("2:45: alias '*adm' has no anchor before it (expected an anchor '&adm' on a value "
                        + "above the alias)"),
                problems("""
                        services:
                          cat: {port: 7101, exec: [/bin/cat], user: *adm}
                        defaults: {user: &adm nobody}
                        """));
    }

    @Test
    void aliasesThatMultiplyAreStoppedAsAProblem() {
        var bomb = new StringBuilder("services: {}\nbombs:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            var previous = "*" + (char) (c - 1);
            bomb.append("  ").append(c).append(": &").append(c).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, previous))).append("]\n");
        }
        var problems = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> problems(bomb.toString()));
        assertEquals(List.of("8:10: aliases expand to more than 200000 values (expected a table whose aliases do not "
                + "multiply (no alias bomb))"), problems);
    }
}
