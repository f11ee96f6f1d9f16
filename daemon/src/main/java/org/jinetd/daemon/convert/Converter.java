package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Tells xinetd's format from inetd's and converts the file into a jinetd table (YAML text). */
public final class Converter {
    /**
     * A {@code service NAME}, {@code defaults} or {@code includedir} line: xinetd's format. Lines
     * are split where the importers split them (LF, CR, CRLF), not also at a U+2028 as a
     * multi-line pattern would.
     */
    private static final Pattern XINETD = Pattern.compile("\\s*(service\\s+\\S+|defaults|includedir\\s+\\S+)\\s*");

    private Converter() {}

    /** A table of its own. */
    public static String convert(Path file) throws IOException {
        return convert(file, new Form.Table());
    }

    public static String convert(Path file, Form form) throws IOException {
        var taken = form instanceof Form.Included included ? included.taken() : java.util.Set.<String>of();
        var xinetd = Imported.lines(file).stream().anyMatch(line -> XINETD.matcher(line).matches());
        var imported = xinetd ? XinetdImport.convert(file, taken) : InetdImport.convert(file, taken);
        return imported.yaml(form);
    }
}
