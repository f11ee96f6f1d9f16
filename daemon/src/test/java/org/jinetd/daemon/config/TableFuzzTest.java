package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated tables: the reader never throws, and every problem it reports says
 * where, as {@code FILE:LINE:COLUMN: what}. Seeded, so that a failure can be replayed.
 */
class TableFuzzTest {
    private static final int ROUNDS = 1_500;
    private static final Pattern WHERE = Pattern.compile("\\S+:\\d+:\\d+: .+");
    /** A table that uses most keys, to be mutated. */
    private static final String SEED = """
            defaults: {bind: 127.0.0.1, instances: 8, user: &who nobody}
            shutdown_grace: 2s
            max_connections: 64
            services:
              echo: {port: 7007, handler: echo, only_from: [127.0.0.0/8, "::1"], rate: {per_second: 5, burst: 2}}
              udp: {port: 7007, protocol: udp, handler: echo, rate_per_source: {per_second: 1, burst: 1}}
              greet:
                port: 7100
                exec: [/bin/sh, -c, 'read -r name && echo "hello $name"']
                user: *who
                env: {LANG: C.UTF-8}
                timeout_max: 30s
                banner: "hi\\n"
                rlimits: {nofile: 64}
              sock: {protocol: unix, path: /run/x.sock, socket_mode: '0660', handler: daytime}
              fwd: {port: 7200, redirect: '127.0.0.1:7007', disabled: true}
              tls:
                port: 7443
                handler: echo
                tls:
                  certificate: CERT
                  key: KEY
                  protocols: [TLSv1.3, TLSv1.2]
                  alpn: [h2, http/1.1]
                  sni: {'*.example.org': {certificate: CERT, key: KEY}}
                  client: {ca: CERT, require: false}
                  handshake_timeout: 5s
            """;
    /** Pieces a mutation may insert: YAML syntax, odd scalars, anchors, NULs, huge numbers, every line break. */
    private static final List<String> PIECES = List.of(":", "- ", "{", "}", "[", "]", ",", "&a ", "*a", "*b", "<<: *a",
            "!!binary ", "!!str ", "\"\\0\"", "\"\\u0000x\"", "'", "\"", "\n", "\n  ", "\t", "#", "|\n  x", ">-\n  y",
            "99999999999999999999", "-1", "0x10", "1e400", "null", "~", "true", "yes", "\u00e9", "\ud83d\ude00",
            "port", "exec", "handler", "user", "include", "plugins", "services", "defaults", "? ", "---\n", "...\n",
            "tls", "certificate", "key", "sni", "none", "TLSv1.1", "*.", "/etc/shadow",
            "%YAML 1.1\n", "&x [*x]", "0777", "/../..", "*", "\r", "\u0085", "\u2028", "\u2029", "\r\n");

    @TempDir
    Path dir;

    @Test
    void noTableMakesTheReaderThrowAndEveryProblemSaysWhere() throws IOException {
        var random = new SplittableRandom(20261201L);
        var config = new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), 0);
        var file = dir.resolve("services.yaml");
        // Real files, so that a mutated tls: is read as deep as a real one.
        var pair = new TestCertificates(dir).selfSigned("web", "ec", "www.example.org");
        var seed = SEED.replace("CERT", pair.certificate().toString()).replace("KEY", pair.key().toString());
        assertTrue(config.read(writeSeed(file, seed)) instanceof Loaded.Ok, "the seed is a good table");
        for (int round = 0; round < ROUNDS; round++) {
            var text = round % 4 == 0 ? noise(random) : mutate(seed, random);
            Files.write(file, text.getBytes(StandardCharsets.UTF_8));
            Loaded loaded;
            try {
                loaded = config.read(file);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("round " + round + " threw on:\n" + text, e);
            }
            if (loaded instanceof Loaded.Bad(var problems)) {
                assertTrue(!problems.isEmpty(), "round " + round + ": bad with no problem");
                for (var problem : problems) {
                    if (!WHERE.matcher(problem.toString()).matches() || problem.line() < 1 || problem.col() < 1) {
                        fail("round " + round + ": a problem that does not say where: " + problem + "\non:\n" + text);
                    }
                }
            }
        }
    }

    private static Path writeSeed(Path file, String seed) throws IOException {
        return Files.writeString(file, seed);
    }

    private static String mutate(String seed, SplittableRandom random) {
        var text = new StringBuilder(seed);
        int edits = 1 + random.nextInt(6);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(text.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> text.insert(at, PIECES.get(random.nextInt(PIECES.size())));
                case 1 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(8)));
                case 2 -> text.replace(at, Math.min(text.length(), at + 1), PIECES.get(random.nextInt(PIECES.size())));
                default -> {
                    // A line repeated: duplicate keys and services.
                    int start = text.lastIndexOf("\n", Math.max(0, at - 1)) + 1;
                    int end = text.indexOf("\n", at);
                    if (end > start) {
                        text.insert(end + 1, text.substring(start, end + 1));
                    }
                }
            }
        }
        return text.toString();
    }

    private static String noise(SplittableRandom random) {
        var text = new StringBuilder();
        int pieces = random.nextInt(40);
        for (int i = 0; i < pieces; i++) {
            text.append(random.nextInt(5) == 0 ? Character.toString(random.nextInt(1, 0x2FF))
                    : PIECES.get(random.nextInt(PIECES.size())));
        }
        return text.toString();
    }
}
