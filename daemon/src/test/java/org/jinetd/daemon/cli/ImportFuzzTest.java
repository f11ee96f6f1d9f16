package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.jinetd.daemon.convert.OldTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jinetd import} of random and mutated inetd.conf and xinetd.conf files never ends with
 * an internal error (exit 70): it exits 0, or 1 with each problem of the table it wrote at its
 * line. Seeded, so that a failure can be replayed.
 */
class ImportFuzzTest {
    private static final int ROUNDS = 300;
    /**
     * What import prints when it exits 1: the problems of the table it wrote, each at its place,
     * then their count; or why the file was not read. (A problem may quote a value with a
     * newline in it, so only its start is matched.)
     */
    private static final Pattern SAID = Pattern.compile("(?s)(\\S+:\\d+:\\d+: .+\njinetd: the imported table fails"
            + " 'jinetd check' with \\d+ problems?: fix (it|them) before serving it|jinetd: cannot import [^\n]+)\n");

    @TempDir
    Path dir;

    @Test
    void importEndsWithATableOrItsProblemsNeverAnInternalError() throws Exception {
        var tables = new OldTables(Files.writeString(dir.resolve("b1"), "hi\u2028defaults: {}\n"),
                Files.writeString(dir.resolve("b2"), "\u202e\u0000"), false);
        var random = new SplittableRandom(20261208L);
        var file = dir.resolve("old.conf");
        var table = dir.resolve("services.yaml");
        for (int round = 0; round < ROUNDS; round++) {
            var text = round % 2 == 0 ? tables.inetd(random) : tables.xinetd(random);
            // New files each round: ext4 flushes a file truncated and written again when it is closed.
            Files.deleteIfExists(file);
            Files.deleteIfExists(table);
            Files.write(file, text.getBytes(StandardCharsets.UTF_8));
            var run = Cli.run("import", file.toString(), "-o", table.toString());
            var context = "round " + round + ": exit " + run.code() + "\n" + run.err() + "\non:\n" + text;
            assertTrue(run.code() == 0 && run.err().isEmpty() || run.code() == 1 && SAID.matcher(run.err()).matches(),
                    context);
        }
    }
}
