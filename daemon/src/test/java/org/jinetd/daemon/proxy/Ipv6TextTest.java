package org.jinetd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;
import org.junit.jupiter.api.Test;

/**
 * The byte-at-a-time IPv6 reader against a plain one written the obvious way (split on "::" and
 * ":"), over random texts and every way of writing random addresses. Seeded, so a failure replays.
 */
class Ipv6TextTest {
    /** The address, or null when the text is not one as the spec writes it. */
    static byte[] reference(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        var head = gap < 0 ? text : text.substring(0, gap);
        var tail = gap < 0 ? "" : text.substring(gap + 2);
        // Only the very last part may be an IPv4 tail: before "::", none.
        var before = groups(head, gap < 0);
        var after = groups(tail, true);
        if (before == null || after == null) {
            return null;
        }
        int count = before.length + after.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        var bytes = new byte[16];
        int at = 0;
        for (int group : before) {
            bytes[at++] = (byte) (group >> 8);
            bytes[at++] = (byte) group;
        }
        at = 16 - 2 * after.length;
        for (int group : after) {
            bytes[at++] = (byte) (group >> 8);
            bytes[at++] = (byte) group;
        }
        return bytes;
    }

    /** The groups of a part without "::" (an IPv4 tail counting for two), or null. */
    private static int[] groups(String part, boolean tailAllowed) {
        if (part.isEmpty()) {
            return new int[0];
        }
        var pieces = part.split(":", -1);
        int count = pieces.length;
        var last = pieces[pieces.length - 1];
        boolean dotted = last.contains(".");
        if (dotted && !tailAllowed) {
            return null;
        }
        var groups = new int[count + (dotted ? 1 : 0)];
        for (int i = 0; i < pieces.length; i++) {
            var piece = pieces[i];
            if (i == pieces.length - 1 && dotted) {
                var octets = piece.split("\\.", -1);
                if (octets.length != 4) {
                    return null;
                }
                var value = new int[4];
                for (int j = 0; j < 4; j++) {
                    if (!octets[j].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(octets[j]) > 255) {
                        return null;
                    }
                    value[j] = Integer.parseInt(octets[j]);
                }
                groups[i] = value[0] << 8 | value[1];
                groups[i + 1] = value[2] << 8 | value[3];
            } else {
                if (!piece.matches("[0-9a-fA-F]{1,4}")) {
                    return null;
                }
                groups[i] = Integer.parseInt(piece, 16);
            }
        }
        return groups;
    }

    /** What the v1 reader makes of the text as a source address. */
    private static byte[] parsed(String text) {
        var line = ("PROXY TCP6 " + text + " ::1 1 2\r\n").getBytes(StandardCharsets.ISO_8859_1);
        return switch (ProxyParser.parse(line, line.length, Accept.V1)) {
            case Parsed.Complete(ProxyHeader.Inet inet, int _) -> sixteen(inet.source().getAddress());
            case Parsed.Complete c -> throw new AssertionError(c.toString());
            case Parsed.Partial p -> throw new AssertionError(text + ": " + p);
            case Parsed.Bad _ -> null;
        };
    }

    private static byte[] sixteen(InetAddress address) {
        var bytes = address.getAddress();
        if (bytes.length == 16) {
            return bytes;
        }
        var mapped = new byte[16];
        mapped[10] = -1;
        mapped[11] = -1;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        return mapped;
    }

    @Test
    void theReferenceAgreesWithTheSpecsExamples() {
        assertArrayEquals(new byte[16], reference("::"));
        assertEquals(1, reference("::1")[15]);
        assertEquals(null, reference("1::2::3"));
        assertEquals(null, reference("1:2:3:4:5:6:7:1.2.3.4"));
        assertEquals(4, reference("1:2:3:4:5:6:1.2.3.4")[15]);
        assertEquals(null, reference("1.2.3.4::"));
        assertEquals(null, reference(":::"));
    }

    @Test
    void agreesWithThePlainReaderOnRandomTexts() {
        var random = new SplittableRandom(4291);
        var alphabet = "0123456789abcdefABCDEF::::....%[]g/";
        for (int round = 0; round < 200_000; round++) {
            var text = new StringBuilder();
            int length = random.nextInt(46);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            check(text.toString());
        }
    }

    @Test
    void readsEveryWayOfWritingAnAddress() throws Exception {
        var random = new SplittableRandom(4291_2);
        for (int round = 0; round < 100_000; round++) {
            var bytes = RoundTripTest.address(random).getAddress();
            if (bytes.length == 4) {
                continue;
            }
            var text = write(bytes, random);
            assertArrayEquals(bytes, reference(text), text);
            check(text);
            // and one mutation of it: the two readers still agree
            var mutated = new StringBuilder(text);
            int at = random.nextInt(mutated.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> mutated.insert(at, "0123456789abcdef:.".charAt(random.nextInt(18)));
                case 1 -> {
                    if (at < mutated.length()) {
                        mutated.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < mutated.length()) {
                        mutated.setCharAt(at, ":.0aF9".charAt(random.nextInt(6)));
                    }
                }
            }
            if (!mutated.isEmpty()) {
                check(mutated.toString());
            }
        }
    }

    private static void check(String text) {
        if (text.isEmpty()) {
            return;
        }
        var expected = reference(text);
        var actual = parsed(text);
        assertTrue(expected == null ? actual == null : java.util.Arrays.equals(expected, actual),
                () -> "'" + text + "': reference " + (expected == null ? "refuses" : "takes") + ", reader "
                        + (actual == null ? "refuses" : "takes"));
    }

    /** Any way the spec allows: "::" for any run of zero groups (or none), either case, leading zeros, an IPv4 tail. */
    static String write(byte[] bytes, SplittableRandom random) {
        var groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        boolean tail = random.nextInt(4) == 0;
        int written = tail ? 6 : 8;
        int gapStart = -1;
        int gapEnd = -1;
        if (random.nextBoolean()) {
            for (int tries = 0; tries < 4 && gapStart < 0; tries++) {
                int start = random.nextInt(written);
                int end = start;
                while (end < written && groups[end] == 0) {
                    end++;
                }
                if (end > start) {
                    gapStart = start;
                    gapEnd = start + 1 + random.nextInt(end - start);
                }
            }
        }
        var text = new StringBuilder();
        for (int i = 0; i < written; i++) {
            if (i == gapStart) {
                text.append("::");
                i = gapEnd - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            var hex = Integer.toHexString(groups[i]);
            hex = "0".repeat(random.nextInt(5 - hex.length())) + hex;
            text.append(random.nextBoolean() ? hex : hex.toUpperCase());
        }
        if (tail) {
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(bytes[12] & 0xff).append('.').append(bytes[13] & 0xff).append('.').append(bytes[14] & 0xff)
                    .append('.').append(bytes[15] & 0xff);
        }
        return text.toString();
    }
}
