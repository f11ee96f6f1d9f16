package org.jinetd.daemon.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.ScannerImpl;
import org.yaml.snakeyaml.tokens.ScalarToken;
import org.yaml.snakeyaml.tokens.StreamEndToken;

/**
 * The line breaks YAML reads where an editor shows none. SnakeYAML (YAML 1.1) breaks a line
 * at LF, CR, NEL (U+0085), LS (U+2028) and PS (U+2029); an editor, grep and diff break it at
 * LF alone (CRLF ends a line too). In a comment, a lone CR, a NEL, an LS or a PS would end
 * the comment and start a line of table that the editor shows as part of it
 * ({@code # note<LS>defaults: {env: ...}}); in plain text it would start a key.
 *
 * <p>So outside a quoted scalar each of them is refused, at its place as an editor counts
 * lines. Inside one ({@code "..."} or {@code '...'}) it is data, delimited by quotes that
 * the editor shows: YAML folds a CR or NEL there to a space, as it does a newline, and keeps
 * an LS or PS. Where a file holds one, every place the parser reports is counted again by
 * LF, so that problems further down name the line an editor shows.
 */
final class LineBreaks {
    /** Problems reported for one file: a file full of them needs one fix, not a million lines. */
    static final int MOST = 20;

    private final String text;
    /** The code point offsets of the odd breaks, in order; empty in nearly every file. */
    private final int[] odd;
    /** The code point offset at which each line (as an editor counts them) starts; null when no break is odd. */
    private final int[] lineStarts;

    private LineBreaks(String text, int[] odd, int[] lineStarts) {
        this.text = text;
        this.odd = odd;
        this.lineStarts = lineStarts;
    }

    static LineBreaks of(String text) {
        var odd = new ArrayList<Integer>();
        var starts = new ArrayList<Integer>();
        starts.add(0);
        int offset = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            boolean loneCr = c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n');
            if (loneCr || c == 0x85 || c == 0x2028 || c == 0x2029) {
                odd.add(offset);
            } else if (c == '\n') {
                starts.add(offset + 1);
            }
            i += Character.charCount(c);
            offset++;
        }
        if (odd.isEmpty()) {
            return new LineBreaks(text, new int[0], null);
        }
        return new LineBreaks(text, odd.stream().mapToInt(Integer::intValue).toArray(),
                starts.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Whether the parser's places must be counted again ({@link #mark}). */
    boolean odd() {
        return odd.length > 0;
    }

    /**
     * A problem for each odd break outside a quoted scalar (at most {@link #MOST}). The
     * quoted scalars are found with SnakeYAML's own scanner. Where the scanner stops at a
     * mistake, a break after the last whole token it read is not known to be outside quotes:
     * the parse reports that mistake instead.
     */
    List<Problem> outsideQuotes(Path file) {
        if (odd.length == 0) {
            return List.of();
        }
        var quoted = new ArrayList<int[]>();
        int known = 0;
        try {
            var scanner = new ScannerImpl(new StreamReader(text), new LoaderOptions());
            while (scanner.checkToken()) {
                var token = scanner.getToken();
                if (token instanceof ScalarToken scalar && (scalar.getStyle() == DumperOptions.ScalarStyle.DOUBLE_QUOTED
                        || scalar.getStyle() == DumperOptions.ScalarStyle.SINGLE_QUOTED)) {
                    quoted.add(new int[] {scalar.getStartMark().getIndex(), scalar.getEndMark().getIndex()});
                }
                known = token instanceof StreamEndToken ? Integer.MAX_VALUE : token.getEndMark().getIndex();
            }
        } catch (RuntimeException e) {
            // A syntax error: the parse that follows reports it.
        }
        var problems = new ArrayList<Problem>();
        int next = 0;
        for (int at : odd) {
            while (next < quoted.size() && quoted.get(next)[1] <= at) {
                next++;
            }
            boolean inQuotes = next < quoted.size() && quoted.get(next)[0] < at;
            if (at >= known || inQuotes) {
                continue;
            }
            var mark = mark(file, at);
            problems.add(new Problem(file, mark.line(), mark.col(), what(text.codePointAt(text.offsetByCodePoints(0, at))),
                    "a plain newline (LF), or the text in quotes, where it is part of the text"));
            if (problems.size() == MOST) {
                break;
            }
        }
        return problems;
    }

    /** The place of the code point at {@code offset}, with lines counted as an editor counts them. */
    Node.Mark mark(Path file, int offset) {
        int line = Arrays.binarySearch(lineStarts, offset);
        if (line < 0) {
            line = -line - 2;
        }
        return new Node.Mark(file, line + 1, offset - lineStarts[line] + 1);
    }

    private static String what(int c) {
        return switch (c) {
            case '\r' -> "a carriage return (CR) with no newline after it";
            case 0x85 -> "a U+0085 next line (NEL)";
            case 0x2028 -> "a U+2028 line separator";
            default -> "a U+2029 paragraph separator";
        } + ", which YAML reads as a line break where an editor shows none";
    }
}
