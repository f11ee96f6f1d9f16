package org.jinetd.daemon.proxy;

import java.util.HexFormat;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;

/**
 * The daemon's way of reading a header: exactly {@link ProxyParser#first} bytes, then exactly
 * {@code more} bytes at each {@link Parsed.Partial}, never a byte beyond. Run over a stream held in
 * memory, it counts the reads and fails if a read would reach past a header that the parser then
 * says ended earlier.
 */
record Reads(Parsed last, int consumed, int reads) {
    /** Reads from {@code stream} as the daemon would; stops at the end of the stream, as at EOF. */
    static Reads of(byte[] stream, Accept accept) {
        int consumed = Math.min(ProxyParser.first(accept), stream.length);
        int reads = 1;
        while (true) {
            var parsed = ProxyParser.parse(stream, consumed, accept);
            switch (parsed) {
                case Parsed.Partial(int more) -> {
                    if (consumed + more > stream.length) {
                        return new Reads(parsed, consumed, reads);
                    }
                    consumed += more;
                    reads++;
                }
                case Parsed.Complete(var header, int length) -> {
                    if (length != consumed) {
                        throw new AssertionError("read " + consumed + " bytes for a header of " + length + ": "
                                + HexFormat.of().formatHex(stream, 0, Math.min(stream.length, 400)));
                    }
                    return new Reads(parsed, consumed, reads);
                }
                case Parsed.Bad _ -> {
                    return new Reads(parsed, consumed, reads);
                }
            }
        }
    }
}
