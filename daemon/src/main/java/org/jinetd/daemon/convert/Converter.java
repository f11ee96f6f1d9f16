package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Tells xinetd's format from inetd's and converts the file into a jinetd table (YAML text). */
public final class Converter {
    /** A {@code service NAME}, {@code defaults} or {@code includedir} line: xinetd's format. */
    private static final Pattern XINETD = Pattern.compile("(?m)^\\s*(service\\s+\\S+|defaults|includedir\\s+\\S+)\\s*$");

    private Converter() {}

    public static String convert(Path file) throws IOException {
        var text = Files.readString(file, StandardCharsets.UTF_8);
        var imported = XINETD.matcher(text).find() ? XinetdImport.convert(file) : InetdImport.convert(file);
        return imported.yaml();
    }
}
