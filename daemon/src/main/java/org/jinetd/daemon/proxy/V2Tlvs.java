package org.jinetd.daemon.proxy;

import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The TLVs of a v2 header. Each must lie within the header and together they fill it exactly.
 * Unknown types (and NOOP, which the spec makes padding) are skipped, as the spec says, and may
 * repeat. A type this reads may appear once only, and must have the length its type allows:
 * <ul>
 * <li>ALPN, AUTHORITY, NETNS: 1 to 255 bytes of printable US-ASCII without spaces ({@link TextRule});
 *     NETNS not a path either;</li>
 * <li>CRC32C: exactly 4 bytes, the CRC32c of the whole header with these 4 bytes zero; a mismatch refuses it;</li>
 * <li>UNIQUE_ID: up to 128 opaque bytes; an empty one (haproxy sends one when it has no ID to
 *     give) is taken as no ID;</li>
 * <li>SSL: the client byte (only the spec's three flags), the 4-byte verify field, then sub-TLVs
 *     in its own value: VERSION, CN, CIPHER, SIG_ALG, KEY_ALG as texts (the CN may hold spaces),
 *     each once, others skipped; no sub-TLV without the SSL flag.</li>
 * </ul>
 */
final class V2Tlvs {
    private static final int ALPN = 0x01;
    private static final int AUTHORITY = 0x02;
    private static final int CRC = 0x03;
    private static final int UNIQUE_ID = 0x05;
    private static final int SSL = 0x20;
    private static final int SSL_VERSION = 0x21;
    private static final int SSL_CN = 0x22;
    private static final int SSL_CIPHER = 0x23;
    private static final int SSL_SIG_ALG = 0x24;
    private static final int SSL_KEY_ALG = 0x25;
    private static final int NETNS = 0x30;
    /** Type, then a 2-byte length. */
    private static final int HEAD = 3;
    /** The client byte and the verify field. */
    private static final int SSL_FIXED = 5;
    private static final byte[] ZEROS = new byte[4];

    private final boolean[] seen = new boolean[256];
    private Optional<String> alpn = Optional.empty();
    private Optional<String> authority = Optional.empty();
    private Optional<byte[]> uniqueId = Optional.empty();
    private Optional<Ssl> ssl = Optional.empty();
    private Optional<String> netns = Optional.empty();

    /**
     * Reads the TLVs from {@code from} to {@code end}, where the header that begins at 0 ends.
     * Null when they are right, otherwise why not (a phrase to follow "v2 ").
     */
    String read(byte[] bytes, int from, int end) {
        int crc = -1;
        for (int at = from; at < end; ) {
            if (end - at < HEAD) {
                return "TLV header runs past the end of the header";
            }
            int type = bytes[at] & 0xff;
            int length = (bytes[at + 1] & 0xff) << 8 | bytes[at + 2] & 0xff;
            int value = at + HEAD;
            if (length > end - value) {
                return "TLV 0x%02x runs past the end of the header".formatted(type);
            }
            if (type == ALPN || type == AUTHORITY || type == CRC || type == UNIQUE_ID || type == SSL || type == NETNS) {
                if (seen[type]) {
                    return name(type) + " TLV appears twice";
                }
                seen[type] = true;
            }
            String problem = null;
            switch (type) {
                case ALPN -> {
                    problem = TextRule.ALPN.problem(bytes, value, length);
                    alpn = Optional.of(TextRule.text(bytes, value, length));
                }
                case AUTHORITY -> {
                    problem = TextRule.AUTHORITY.problem(bytes, value, length);
                    authority = Optional.of(TextRule.text(bytes, value, length));
                }
                case NETNS -> {
                    problem = TextRule.NETNS.problem(bytes, value, length);
                    netns = Optional.of(TextRule.text(bytes, value, length));
                }
                case CRC -> {
                    problem = length == 4 ? null : "CRC32C TLV of " + length + " bytes, not 4";
                    crc = value;
                }
                case UNIQUE_ID -> {
                    if (length > Tlvs.UNIQUE_ID_MAX) {
                        problem = "UNIQUE_ID TLV of " + length + " bytes, over " + Tlvs.UNIQUE_ID_MAX;
                    } else if (length > 0) {
                        uniqueId = Optional.of(Arrays.copyOfRange(bytes, value, value + length));
                    }
                }
                case SSL -> problem = ssl(bytes, value, length);
                default -> {
                    // NOOP, the other registered types and everything unknown: skipped, as the spec says.
                }
            }
            if (problem != null) {
                return problem;
            }
            at = value + length;
        }
        if (crc >= 0 && !matches(bytes, crc, end)) {
            return "CRC32C does not match the header";
        }
        return null;
    }

    Tlvs tlvs() {
        return new Tlvs(alpn, authority, uniqueId, ssl, netns);
    }

    private String ssl(byte[] bytes, int from, int length) {
        if (length < SSL_FIXED) {
            return "SSL TLV of " + length + " bytes, short of " + SSL_FIXED;
        }
        int client = bytes[from] & 0xff;
        if ((client & ~Ssl.CLIENT_ALL) != 0) {
            return "SSL TLV with unknown client flags";
        }
        boolean verifyZero = bytes[from + 1] == 0 && bytes[from + 2] == 0 && bytes[from + 3] == 0 && bytes[from + 4] == 0;
        var texts = new String[SSL_KEY_ALG - SSL_VERSION + 1];
        int end = from + length;
        for (int at = from + SSL_FIXED; at < end; ) {
            if (end - at < HEAD) {
                return "SSL sub-TLV header runs past the end of the SSL TLV";
            }
            int type = bytes[at] & 0xff;
            int size = (bytes[at + 1] & 0xff) << 8 | bytes[at + 2] & 0xff;
            int value = at + HEAD;
            if (size > end - value) {
                return "SSL sub-TLV 0x%02x runs past the end of the SSL TLV".formatted(type);
            }
            if (type >= SSL_VERSION && type <= SSL_KEY_ALG) {
                var rule = rule(type);
                if (texts[type - SSL_VERSION] != null) {
                    return rule.label() + " appears twice";
                }
                var problem = rule.problem(bytes, value, size);
                if (problem != null) {
                    return problem;
                }
                texts[type - SSL_VERSION] = TextRule.text(bytes, value, size);
            }
            at = value + size;
        }
        if ((client & Ssl.CLIENT_SSL) == 0 && Arrays.stream(texts).anyMatch(t -> t != null)) {
            return "SSL TLV with details but without the SSL flag";
        }
        boolean verified = verifyZero && (client & Ssl.CLIENT_CERT) != 0;
        ssl = Optional.of(new Ssl(client, verified, text(texts, SSL_VERSION), text(texts, SSL_CIPHER),
                text(texts, SSL_SIG_ALG), text(texts, SSL_KEY_ALG), text(texts, SSL_CN)));
        return null;
    }

    private static Optional<String> text(String[] texts, int type) {
        return Optional.ofNullable(texts[type - SSL_VERSION]);
    }

    private static TextRule rule(int type) {
        return switch (type) {
            case SSL_VERSION -> TextRule.SSL_VERSION;
            case SSL_CN -> TextRule.SSL_CN;
            case SSL_CIPHER -> TextRule.SSL_CIPHER;
            case SSL_SIG_ALG -> TextRule.SSL_SIG_ALG;
            default -> TextRule.SSL_KEY_ALG;
        };
    }

    private static String name(int type) {
        return switch (type) {
            case ALPN -> "ALPN";
            case AUTHORITY -> "AUTHORITY";
            case CRC -> "CRC32C";
            case UNIQUE_ID -> "UNIQUE_ID";
            case SSL -> "SSL";
            default -> "NETNS";
        };
    }

    /** The CRC32c (RFC 4960, Appendix B) of the header with its CRC field zero, against that field. */
    private static boolean matches(byte[] bytes, int at, int end) {
        var crc = new CRC32C();
        crc.update(bytes, 0, at);
        crc.update(ZEROS);
        crc.update(bytes, at + 4, end - at - 4);
        long sent = (bytes[at] & 0xffL) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | bytes[at + 3] & 0xff;
        return crc.getValue() == sent;
    }
}
