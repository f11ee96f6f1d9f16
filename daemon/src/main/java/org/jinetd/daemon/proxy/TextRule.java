package org.jinetd.daemon.proxy;

import java.nio.charset.StandardCharsets;

/**
 * What a text taken from a v2 TLV may hold. These texts end up in log lines and in a program's
 * environment, so only printable US-ASCII passes: no control byte that could forge a log line or
 * cut a variable, no byte that some later reader could decode as something else. The spec lets the
 * AUTHORITY and the SSL CN be UTF-8; a non-ASCII one is refused rather than rewritten. Only the CN
 * (a person's name, often) may hold a space. One set of rules for what the parser reads and for
 * what {@link Tlvs} and {@link Ssl} are made of, so a header written by {@link ProxyWriter} always
 * reads back.
 */
public enum TextRule {
    ALPN("ALPN TLV", false),
    AUTHORITY("AUTHORITY TLV", false),
    NETNS("NETNS TLV", false),
    SSL_VERSION("SSL VERSION sub-TLV", false),
    SSL_CN("SSL CN sub-TLV", true),
    SSL_CIPHER("SSL CIPHER sub-TLV", false),
    SSL_SIG_ALG("SSL SIG_ALG sub-TLV", false),
    SSL_KEY_ALG("SSL KEY_ALG sub-TLV", false);

    /** As long as a host name (RFC 1035) or an ALPN protocol name (RFC 7301) can be. */
    static final int MAX = 255;

    private final String name;
    private final boolean spaces;

    TextRule(String name, boolean spaces) {
        this.name = name;
        this.spaces = spaces;
    }

    /** What the text is, for a message: "ALPN TLV". */
    String label() {
        return name;
    }

    /** Why {@code length} bytes of {@code bytes} from {@code from} are not such a text, or null when they are. */
    String problem(byte[] bytes, int from, int length) {
        if (length == 0) {
            return name + " is empty";
        }
        if (length > MAX) {
            return name + " of " + length + " bytes, over " + MAX;
        }
        for (int i = from; i < from + length; i++) {
            int c = bytes[i] & 0xff;
            if (c > 0x7e || c < 0x20 || (c == ' ' && !spaces)) {
                return name + (spaces ? " with a byte outside printable ASCII" : " with a space or a byte outside printable ASCII");
            }
        }
        if (this == NETNS) {
            // A namespace is a file under /run/netns: a name there, never a path out of it.
            var text = new String(bytes, from, length, StandardCharsets.US_ASCII);
            if (text.contains("/") || text.equals(".") || text.equals("..")) {
                return name + " is not a namespace name";
            }
        }
        return null;
    }

    /** The text of bytes that passed {@link #problem}. */
    static String text(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, StandardCharsets.US_ASCII);
    }

    /** Whether a header can carry {@code text} as this. */
    public boolean admits(String text) {
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        return problem(bytes, 0, bytes.length) == null;
    }

    /** Refuses a value that a header could not carry. */
    String require(String text) {
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        var problem = problem(bytes, 0, bytes.length);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return text;
    }
}
