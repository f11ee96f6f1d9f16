package org.jinetd.daemon.config;

import java.nio.file.Path;

/**
 * One thing wrong with a service table, and where: shown as
 * {@code FILE:LINE:COLUMN: what (expected ...)}.
 */
public record Problem(Path file, int line, int col, String what, String expected) {
    /** At {@code mark}, in the file the mark is in. */
    static Problem at(Node.Mark mark, String what, String expected) {
        return new Problem(mark.file(), mark.line(), mark.col(), what, expected);
    }

    /**
     * One line of printable text, whatever a value quoted in it holds: a character that is no
     * printable text (a U+2028 in a quoted scalar, an escape) is shown by its number.
     */
    @Override
    public String toString() {
        var where = "%s:%d:%d: %s".formatted(file, line, col, what);
        var text = expected == null || expected.isEmpty() ? where : where + " (expected " + expected + ")";
        return Node.UNPRINTABLE.matcher(text).replaceAll(m -> "U+%04X".formatted(m.group().codePointAt(0)));
    }
}
