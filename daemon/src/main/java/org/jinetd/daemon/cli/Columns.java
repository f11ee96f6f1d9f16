package org.jinetd.daemon.cli;

import java.io.PrintWriter;
import java.util.List;
import org.jinetd.daemon.log.LogText;

/**
 * Rows of text in aligned columns, two spaces apart, as list, check and status print them; a
 * cell with a control character in it is shown escaped ({@link LogText#escaped}).
 */
final class Columns {
    private Columns() {}

    static void print(List<List<String>> rows, PrintWriter out) {
        // A client's socket path, a handler's error: no control character of theirs reaches the terminal.
        rows = rows.stream().map(row -> row.stream().map(LogText::escaped).toList()).toList();
        var widths = new int[rows.getFirst().size()];
        for (var row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (var row : rows) {
            var line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
                }
            }
            out.println(line);
        }
        out.flush();
    }
}
