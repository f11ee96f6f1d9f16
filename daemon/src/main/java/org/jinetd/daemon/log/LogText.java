package org.jinetd.daemon.log;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * Text the daemon did not write itself, as a log entry or a terminal may show it: a program's
 * stderr, a client's unix socket path, a handler's exception and its trace, a plugin's words.
 * Such text is only ever one value of one entry: {@link #quoted} puts it in double quotes with
 * every control character escaped, so that no newline, carriage return or escape sequence in
 * it reaches a log or a terminal, and no {@code key=value} in it passes for a field. The level
 * word and the keys of an entry come from the daemon's own format only.
 *
 * <p>The escapes, read back by {@link Pairs}: {@code \\}, {@code \"}, {@code \n}, {@code \r},
 * {@code \t}, {@code \xHH} for the other control characters up to U+00FF (C0, DEL, C1), and
 * <code>&#92;uHHHH</code> above (line and paragraph separators, bidirectional and other format
 * characters, a surrogate without its pair).
 */
public final class LogText {
    /** A value longer than this (in characters) is cut, with a mark, inside its quotes. */
    static final int MOST_VALUE = 16 * 1024;
    /** A stack trace longer than this (in characters) is cut, with a mark: a deep recursion's has thousands of frames. */
    static final int MOST_TRACE = 8 * 1024;

    private LogText() {}

    /**
     * A value for a {@code key=value} entry: bare when it is made of printable characters other
     * than quotes, backslashes and {@code =}, else in double quotes with every control
     * character escaped; cut at {@value #MOST_VALUE} characters.
     */
    public static String quoted(String value) {
        var text = cut(String.valueOf(value), MOST_VALUE);
        boolean bare = !text.isEmpty();
        for (int i = 0; i < text.length() && bare; i++) {
            char c = text.charAt(i);
            bare = c > ' ' && c != '"' && c != '\\' && c != '=' && !unsafe(text, i);
        }
        if (bare) {
            return text;
        }
        var out = new StringBuilder(text.length() + 16).append('"');
        escape(text, out, true);
        return out.append('"').toString();
    }

    /**
     * {@code text} as a terminal may show it, without quotes (a cell of {@code jinetd status}):
     * as it is when it holds no control character; else with each escaped, and its backslashes
     * doubled so that the escapes read back.
     */
    public static String escaped(String text) {
        var value = String.valueOf(text);
        for (int i = 0; i < value.length(); i++) {
            if (unsafe(value, i)) {
                var out = new StringBuilder(value.length() + 16);
                escape(value, out, false);
                return out.toString();
            }
        }
        return value;
    }

    /**
     * A throwable as two values of an entry: {@code error="java.lang.X: its message"
     * trace="\tat a.b.C.d(C.java:1)\n..."}, each quoted; the trace is what
     * {@link Throwable#printStackTrace()} writes after the first line (causes included), cut
     * at {@value #MOST_TRACE} characters.
     */
    public static String thrown(Throwable thrown) {
        try {
            return error(thrown) + " trace=" + quoted(trace(thrown));
        } catch (OutOfMemoryError e) {
            // Said where memory ran out (the reaper's guard): the class alone, and never a throw from here.
            return "error=" + quoted(thrown.getClass().getName());
        }
    }

    /** A throwable as one value, {@code error="java.lang.X: its message"}, without its trace: a failure expected at times. */
    public static String error(Throwable thrown) {
        return "error=" + quoted(describe(thrown));
    }

    /** What {@code thrown} says of itself, its class and its message: its toString, or what went wrong in making it. */
    public static String describe(Throwable thrown) {
        try {
            return String.valueOf(thrown);
        } catch (RuntimeException e) {
            // A plugin's exception may throw from its own toString.
            return thrown.getClass().getName() + " (its message could not be made: " + e.getClass().getName() + ")";
        }
    }

    /** The trace of {@code thrown}, after its first line, cut at {@value #MOST_TRACE} characters. */
    public static String trace(Throwable thrown) {
        // It starts with what describe() says, newlines and all, which error= has already.
        var head = describe(thrown) + System.lineSeparator();
        var written = new Bounded(head.length() + MOST_TRACE + 1);
        var print = new PrintWriter(written);
        try {
            thrown.printStackTrace(print);
        } catch (RuntimeException e) {
            print.print("\n(the trace could not be made: " + e.getClass().getName() + ")");
        }
        print.flush();
        var text = written.toString().stripTrailing();
        int first = text.startsWith(head) ? head.length() - 1 : text.indexOf("\n\tat ");
        return first < 0 ? "" : cut(text.substring(first + 1), MOST_TRACE);
    }

    /** Keeps the first {@code most} characters written to it: a chain of a million causes costs no more. */
    private static final class Bounded extends Writer {
        private final StringBuilder text = new StringBuilder();
        private final int most;

        Bounded(int most) {
            this.most = most;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            text.append(chars, offset, Math.max(0, Math.min(length, most - text.length())));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /** At most {@code most} characters of {@code text}, with a mark where it was cut; no surrogate pair is split. */
    static String cut(String text, int most) {
        if (text.length() <= most) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(most - 1)) ? most - 1 : most;
        return text.substring(0, end) + " [cut at " + most + " characters]";
    }

    /** Whether the character at {@code i} must be escaped: a control, separator or format character, a lone surrogate. */
    private static boolean unsafe(String text, int i) {
        char c = text.charAt(i);
        if (c < ' ' || c >= 0x7f && c <= 0x9f) {
            return true;
        }
        if (c < 0xa0) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
        }
        return switch (Character.getType(c)) {
            case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.FORMAT, Character.CONTROL -> true;
            default -> false;
        };
    }

    private static void escape(String text, StringBuilder out, boolean quotes) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append(quotes ? "\\\"" : "\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (!unsafe(text, i)) {
                        out.append(c);
                    } else if (c <= 0xff) {
                        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                                .append(HEX[c & 0xf]);
                    }
                }
            }
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
}
