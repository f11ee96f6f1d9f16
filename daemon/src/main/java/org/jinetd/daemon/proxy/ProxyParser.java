package org.jinetd.daemon.proxy;

import java.util.Objects;

/**
 * Reads a PROXY header (HAProxy's PROXY protocol, versions 1 and 2) from the first bytes of a
 * connection, without ever taking a byte past it: a program that inherits the socket reads the
 * first byte after the header. The caller reads exactly {@link #first} bytes, then, as long as the
 * answer is {@link Parsed.Partial}, exactly {@code more} further bytes, and asks again.
 * {@code more} is never beyond the shortest valid header that begins with the bytes seen, so those
 * reads never reach into what follows the header.
 *
 * <p>Where the spec leaves a receiver free, this is strict, since the daemon runs as root on the
 * network: see {@link V1Line} and {@link V2Header} for what each version accepts.
 */
public final class ProxyParser {
    static final String NOT_HEADER = "not a PROXY header";

    private ProxyParser() {
    }

    /** The result of looking at the first {@code length} bytes a connection sent. */
    public sealed interface Parsed {
        /** The header is whole and is exactly the first {@code length} bytes. */
        record Complete(ProxyHeader header, int length) implements Parsed {
            public Complete {
                Objects.requireNonNull(header, "header");
                if (length < V1Line.SHORTEST) {
                    throw new IllegalArgumentException("no header is " + length + " bytes long");
                }
            }
        }

        /** Not yet whole: at least {@code more} further bytes are certainly part of the header (>= 1). */
        record Partial(int more) implements Parsed {
            public Partial {
                if (more < 1) {
                    throw new IllegalArgumentException("more must be at least 1, not " + more);
                }
            }
        }

        /**
         * Not a header this listener takes; {@code why} is a short English phrase for the log, e.g.
         * "v1 line without CRLF in 107 bytes". Never holds a byte of the input raw.
         */
        record Bad(String why) implements Parsed {
            public Bad {
                Objects.requireNonNull(why, "why");
            }
        }
    }

    /**
     * The result of looking at the first {@code length} bytes of {@code bytes}. Bytes past the
     * header are never looked at, so a buffer may hold more than the header.
     */
    public static Parsed parse(byte[] bytes, int length, Accept accept) {
        Objects.checkFromIndexSize(0, length, bytes.length);
        Objects.requireNonNull(accept, "accept");
        if (length == 0) {
            return new Parsed.Partial(first(accept));
        }
        // The spec chose both signatures so that the first byte tells them apart.
        if (bytes[0] == 'P') {
            if (accept == Accept.V2) {
                return new Parsed.Bad(V1Line.begins(bytes, length) ? "v1 line on a v2 listener" : NOT_HEADER);
            }
            return V1Line.parse(bytes, length);
        }
        if (bytes[0] == '\r') {
            if (accept == Accept.V1) {
                return new Parsed.Bad(V2Header.begins(bytes, length) ? "v2 header on a v1 listener" : NOT_HEADER);
            }
            return V2Header.parse(bytes, length);
        }
        return new Parsed.Bad(NOT_HEADER);
    }

    /**
     * The first read a listener makes: how many bytes are certainly part of any header it accepts
     * (15 for V1/ANY: "PROXY UNKNOWN\r\n"; 16 for V2).
     */
    public static int first(Accept accept) {
        return switch (accept) {
            case V1, ANY -> V1Line.SHORTEST;
            case V2 -> V2Header.FIXED;
        };
    }
}
