package org.jinetd.daemon.tls;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a client's first bytes say before the engine reads them: whether it speaks TLS at
 * all, and which versions its ClientHello offers (RFC 8446 4.1.2, and the supported_versions
 * extension), so that a refusal can say {@code protocol} rather than the engine's words.
 * Read within the bytes given, every length checked; nothing here trusts the client.
 */
final class Hello {
    private static final int HANDSHAKE = 0x16;
    private static final int CLIENT_HELLO = 1;
    private static final int SUPPORTED_VERSIONS = 0x002b;
    private static final int SERVER_NAME = 0x0000;
    private static final int HOST_NAME = 0;

    private Hello() {}

    /**
     * Not TLS ({@code not_tls}: plaintext, an HTTP request, an alert, noise) or SSLv2's hello
     * ({@code protocol}), from the first bytes (three, or fewer if the client sent no more);
     * empty for a TLS handshake record.
     */
    static Optional<Failure> sniff(ByteBuffer first) {
        int at = first.position();
        int b0 = first.get(at) & 0xff;
        if (b0 == HANDSHAKE) {
            return first.remaining() >= 2 && first.get(at + 1) != 3 ? Optional.of(Failure.NOT_TLS) : Optional.empty();
        }
        // SSLv2's two-byte header with the high bit set, then CLIENT-HELLO (1).
        if ((b0 & 0x80) != 0 && first.remaining() >= 3 && first.get(at + 2) == CLIENT_HELLO) {
            return Optional.of(Failure.PROTOCOL);
        }
        return Optional.of(Failure.NOT_TLS);
    }

    /** Whether a first byte may start a TLS handshake record or SSLv2's hello. */
    static boolean maybeTls(byte first) {
        return (first & 0xff) == HANDSHAKE || (first & 0x80) != 0;
    }

    /** The length of the record that starts {@code first}, header included; empty before 5 bytes. */
    static Optional<Integer> recordLength(ByteBuffer first) {
        if (first.remaining() < 5) {
            return Optional.empty();
        }
        int at = first.position();
        return Optional.of(5 + ((first.get(at + 3) & 0xff) << 8 | first.get(at + 4) & 0xff));
    }

    /**
     * The versions a ClientHello whole in the record at {@code first} offers ({@code 0x0303}
     * is TLS 1.2), GREASE values left out; empty when there is no whole ClientHello there.
     */
    static Optional<List<Integer>> versions(ByteBuffer first) {
        var hello = extensions(first);
        if (hello.isEmpty()) {
            return Optional.empty();
        }
        var record = hello.get().extensions();
        var found = find(record, SUPPORTED_VERSIONS);
        if (found.isEmpty()) {
            return Optional.of(List.of(hello.get().legacy()));
        }
        try {
            var out = new ArrayList<Integer>();
            int listEnd = (record.get() & 0xff) + record.position();
            while (record.position() + 2 <= Math.min(listEnd, found.get())) {
                int version = record.getShort() & 0xffff;
                if ((version & 0x0f0f) != 0x0a0a) {
                    out.add(version);
                }
            }
            return Optional.of(List.copyOf(out));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The host name a ClientHello whole in the record at {@code first} asks for (SNI, RFC 6066
     * section 3), lower case; empty when it asks for none or is not there whole. Only letters,
     * digits, '-', '_' and '.' are taken: anything else is no name a table can hold.
     */
    static Optional<String> serverName(ByteBuffer first) {
        var hello = extensions(first);
        if (hello.isEmpty()) {
            return Optional.empty();
        }
        var record = hello.get().extensions();
        var found = find(record, SERVER_NAME);
        try {
            if (found.isEmpty()) {
                return Optional.empty();
            }
            int listEnd = (record.getShort() & 0xffff) + record.position();
            while (record.position() + 3 <= Math.min(listEnd, found.get())) {
                int type = record.get() & 0xff;
                int size = record.getShort() & 0xffff;
                if (type == HOST_NAME && size > 0 && size <= 255 && record.position() + size <= found.get()) {
                    var name = new StringBuilder();
                    for (int i = 0; i < size; i++) {
                        char c = (char) (record.get() & 0xff);
                        if (!(Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '_' || c == '.')) {
                            return Optional.empty();
                        }
                        name.append(Character.toLowerCase(c));
                    }
                    return Optional.of(name.toString());
                }
                skip(record, size);
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A ClientHello's legacy version, and its extensions: a buffer from their start to their end. */
    private record Extensions(int legacy, ByteBuffer extensions) {}

    private static Optional<Extensions> extensions(ByteBuffer first) {
        var length = recordLength(first);
        if (length.isEmpty() || length.get() > first.remaining()) {
            return Optional.empty();
        }
        var record = first.duplicate();
        record.limit(record.position() + length.get());
        try {
            record.position(record.position() + 5);
            if ((record.get() & 0xff) != CLIENT_HELLO) {
                return Optional.empty();
            }
            int bodyLength = (record.get() & 0xff) << 16 | (record.get() & 0xff) << 8 | record.get() & 0xff;
            if (bodyLength > record.remaining()) {
                return Optional.empty();
            }
            record.limit(record.position() + bodyLength);
            int legacy = record.getShort() & 0xffff;
            skip(record, 32);
            skip(record, record.get() & 0xff);
            skip(record, record.getShort() & 0xffff);
            skip(record, record.get() & 0xff);
            if (!record.hasRemaining()) {
                return Optional.of(new Extensions(legacy, record.slice(0, 0)));
            }
            int size = record.getShort() & 0xffff;
            if (size > record.remaining()) {
                return Optional.empty();
            }
            return Optional.of(new Extensions(legacy, record.slice(record.position(), size)));
        } catch (RuntimeException e) {
            // A length that points past the record: no ClientHello to read.
            return Optional.empty();
        }
    }

    /**
     * Moves {@code extensions} to the data of the extension of {@code type}; the position where
     * that data ends, or empty (and the buffer at its end) when there is none.
     */
    private static Optional<Integer> find(ByteBuffer extensions, int type) {
        try {
            while (extensions.remaining() >= 4) {
                int at = extensions.getShort() & 0xffff;
                int size = extensions.getShort() & 0xffff;
                if (size > extensions.remaining()) {
                    return Optional.empty();
                }
                if (at == type) {
                    return Optional.of(extensions.position() + size);
                }
                skip(extensions, size);
            }
        } catch (RuntimeException e) {
            // Cut short: not there.
        }
        return Optional.empty();
    }

    private static void skip(ByteBuffer buffer, int bytes) {
        buffer.position(buffer.position() + bytes);
    }

    /** As JSSE names a version in its protocol list: TLSv1.2, SSLv3, ... */
    static String name(int version) {
        return switch (version) {
            case 0x0300 -> "SSLv3";
            case 0x0301 -> "TLSv1";
            case 0x0302 -> "TLSv1.1";
            case 0x0303 -> "TLSv1.2";
            case 0x0304 -> "TLSv1.3";
            default -> "0x%04x".formatted(version);
        };
    }
}
