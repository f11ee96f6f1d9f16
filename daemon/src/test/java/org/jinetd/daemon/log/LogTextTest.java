package org.jinetd.daemon.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Text from outside is one value: quoted with every control character escaped, read back
 * whole into its journal field, and never a field or a line of its own.
 */
class LogTextTest {
    /** The fields journald would get from {@code message}. */
    private static Map<String, String> fields(String message) {
        var out = new LinkedHashMap<String, String>();
        Pairs.read(message, out::put);
        return out;
    }

    @Test
    void everyControlCharacterIsEscapedAndReadBackAsItWas() {
        var all = new StringBuilder();
        for (char c = 0; c < 0xa0; c++) {
            all.append(c);
        }
        // Line and paragraph separators, a right-to-left override, a zero-width space, a lone surrogate.
        all.append("\u2028\u2029\u202e\u200b\ud800 end \\ \" = ok \ud83d\ude00");
        var text = all.toString();
        var quoted = LogText.quoted(text);
        assertTrue(quoted.startsWith("\"\\x00\\x01") && quoted.endsWith("\""), quoted);
        assertTrue(quoted.contains("\\n\\x0b\\x0c\\r") && quoted.contains("\\x1b") && quoted.contains("\\x7f\\x80")
                && quoted.contains("\\x9b") && quoted.contains("\\u2028\\u2029\\u202e\\u200b\\ud800 end \\\\ \\\" = ok"),
                quoted);
        assertTrue(quoted.codePoints().noneMatch(c -> c < ' ' || c >= 0x7f && c < 0xa0 || c == 0x2028 || c == 0x202e),
                quoted);
        assertTrue(quoted.endsWith("\ud83d\ude00\""), "a character past the BMP is shown as it is");
        assertEquals(Map.of("JINETD_ERROR", text), fields("error=" + quoted));
    }

    @Test
    void aValueIsBareOnlyWhenNothingInItCouldEndIt() {
        assertEquals("127.0.0.1:4711", LogText.quoted("127.0.0.1:4711"));
        assertEquals("/run/a.sock", LogText.quoted("/run/a.sock"));
        for (var text : new String[] {"", "a b", "a=b", "a\"b", "a\\b", "a\u001bb", "a\u0085b", "a\u2028b"}) {
            assertTrue(LogText.quoted(text).startsWith("\""), text);
        }
    }

    @Test
    void aForgedLineOrFieldInAValueStaysInIt() {
        var forged = "x\nWARN service=x peer=1.2.3.4 refused=only_from\" pid=1 error=none";
        var message = "service=echo peer=" + LogText.quoted("/tmp/a b" + forged) + " error=" + LogText.quoted(forged)
                + " duration=0.001s";
        assertFalse(message.contains("\n"));
        assertEquals(Map.of("JINETD_SERVICE", "echo", "JINETD_PEER", "/tmp/a b" + forged, "JINETD_ERROR", forged,
                "JINETD_DURATION", "0.001s"), fields(message));
    }

    @Test
    void aLongValueIsCutInsideItsQuotes() {
        var quoted = LogText.quoted("y".repeat(LogText.MOST_VALUE) + "\nERROR service=x");
        assertTrue(quoted.endsWith("y [cut at 16384 characters]\""), quoted.substring(quoted.length() - 40));
        assertFalse(quoted.contains("ERROR"));
        // Never half a surrogate pair.
        var pairs = LogText.quoted("y".repeat(LogText.MOST_VALUE - 1) + "\ud83d\ude00");
        assertTrue(pairs.endsWith("y [cut at 16384 characters]\""), pairs.substring(pairs.length() - 40));
    }

    @Test
    void aThrowableIsItsErrorAndItsTraceEachOneQuotedValue() {
        var cause = new java.io.IOException("disk\r\nfull");
        var thrown = new NumberFormatException("For input string: \"x\nWARN service=x peer=1.2.3.4 refused=only_from\"");
        thrown.initCause(cause);
        var text = LogText.thrown(thrown);
        assertFalse(text.chars().anyMatch(c -> c < ' '), text);
        assertTrue(text.startsWith("error=\"java.lang.NumberFormatException: For input string: \\\"x\\nWARN service=x "
                + "peer=1.2.3.4 refused=only_from\\\"\" trace=\"\\tat org.jinetd.daemon.log.LogTextTest."), text);
        var fields = fields("service=echo " + text);
        assertEquals(thrown.toString(), fields.get("JINETD_ERROR"));
        assertTrue(fields.get("JINETD_TRACE").contains("\nCaused by: java.io.IOException: disk\r\nfull\n\tat "),
                fields.get("JINETD_TRACE"));
        assertEquals(3, fields.size(), fields.toString());
    }

    @Test
    void aDeepTraceIsCut() {
        var deep = new StackOverflowError();
        deep.setStackTrace(java.util.stream.IntStream.range(0, 5000)
                .mapToObj(i -> new StackTraceElement("a.B", "c", "B.java", i)).toArray(StackTraceElement[]::new));
        var trace = LogText.trace(deep);
        assertTrue(trace.length() < LogText.MOST_TRACE + 40 && trace.endsWith(" [cut at 8192 characters]"),
                trace.length() + " characters");
    }

    @Test
    void aTerminalGetsTextAsItIsOrEscaped() {
        assertEquals("/run/a b.sock", LogText.escaped("/run/a b.sock"));
        assertEquals("C:\\dir", LogText.escaped("C:\\dir"));
        assertEquals("/tmp/\\x1b]0;owned\\x07\\r\\\\x", LogText.escaped("/tmp/\u001b]0;owned\u0007\r\\x"));
    }
}
