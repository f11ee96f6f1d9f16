package org.jinetd.daemon.proxy;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Writes a PROXY header for a connection the daemon relays. Both forms read back through
 * {@link ProxyParser} to the same addresses and TLVs, and are laid out as haproxy lays out its
 * own, so a receiver that reads haproxy's reads these.
 */
public final class ProxyWriter {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int PROXY_V2 = 0x21;
    private static final int TCP4 = 0x11;
    private static final int TCP6 = 0x21;

    private ProxyWriter() {
    }

    /** "PROXY TCP4|TCP6 src dst sport dport\r\n" (TCP6 for IPv6 addresses; a v4-mapped v6 written as TCP4). */
    public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        var from = numeric(source);
        var to = numeric(destination);
        // As haproxy does: one IPv6 side makes a TCP6 line, with the other side v4-mapped.
        boolean four = from.length == 4 && to.length == 4;
        var line = "PROXY %s %s %s %d %d\r\n".formatted(four ? "TCP4" : "TCP6", text(from, four), text(to, four),
                source.getPort(), destination.getPort());
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A header for a connection whose client has no address of the protocol's (a unix socket's):
     * "PROXY UNKNOWN\r\n", or a v2 PROXY header of family AF_UNSPEC with the given TLVs. The
     * receiver uses the connection's own endpoints, as the protocol says.
     */
    public static byte[] unknown(int version, Tlvs tlvs) {
        if (version == 1) {
            return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
        }
        var out = new ByteArrayOutputStream(32);
        out.writeBytes(SIGNATURE);
        out.write(PROXY_V2);
        out.write(0x00);
        out.writeBytes(new byte[2]);
        tlvs.uniqueId().ifPresent(id -> tlv(out, 0x05, id));
        var header = out.toByteArray();
        int length = header.length - 16;
        header[14] = (byte) (length >> 8);
        header[15] = (byte) length;
        return header;
    }

    /**
     * A v2 PROXY header (AF_INET/AF_INET6, STREAM) with the given TLVs (ALPN, AUTHORITY, UNIQUE_ID,
     * SSL, in that order, then NETNS) and a CRC32C TLV when crc is true. The CRC32C TLV comes first,
     * and the SSL sub-TLVs in the order VERSION, CN, KEY_ALG, SIG_ALG, CIPHER, as haproxy writes them.
     */
    public static byte[] v2(InetSocketAddress source, InetSocketAddress destination, Tlvs tlvs, boolean crc) {
        var from = numeric(source);
        var to = numeric(destination);
        boolean four = from.length == 4 && to.length == 4;
        var out = new ByteArrayOutputStream(64);
        out.writeBytes(SIGNATURE);
        out.write(PROXY_V2);
        out.write(four ? TCP4 : TCP6);
        out.writeBytes(new byte[2]); // the length, once known
        out.writeBytes(four ? from : sixteen(from));
        out.writeBytes(four ? to : sixteen(to));
        port(out, source.getPort());
        port(out, destination.getPort());
        int crcAt = -1;
        if (crc) {
            crcAt = out.size() + 3;
            tlv(out, 0x03, new byte[4]);
        }
        text(out, 0x01, tlvs.alpn());
        text(out, 0x02, tlvs.authority());
        tlvs.uniqueId().ifPresent(id -> tlv(out, 0x05, id));
        tlvs.ssl().ifPresent(ssl -> tlv(out, 0x20, ssl(ssl)));
        text(out, 0x30, tlvs.netns());
        var header = out.toByteArray();
        int length = header.length - 16;
        header[14] = (byte) (length >> 8);
        header[15] = (byte) length;
        if (crcAt >= 0) {
            var sum = new CRC32C();
            sum.update(header);
            long value = sum.getValue();
            for (int i = 0; i < 4; i++) {
                header[crcAt + i] = (byte) (value >> (24 - 8 * i));
            }
        }
        return header;
    }

    private static byte[] ssl(Ssl ssl) {
        var out = new ByteArrayOutputStream(64);
        out.write(ssl.client());
        // Zero for a verified certificate and, as haproxy writes it, when there was none.
        boolean failed = !ssl.verified() && (ssl.client() & Ssl.CLIENT_CERT) != 0;
        out.writeBytes(new byte[] {0, 0, 0, (byte) (failed ? 1 : 0)});
        text(out, 0x21, ssl.version());
        text(out, 0x22, ssl.commonName());
        text(out, 0x25, ssl.keyAlg());
        text(out, 0x24, ssl.sigAlg());
        text(out, 0x23, ssl.cipher());
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, int type, Optional<String> text) {
        text.ifPresent(t -> tlv(out, type, t.getBytes(StandardCharsets.US_ASCII)));
    }

    private static void tlv(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        port(out, value.length);
        out.writeBytes(value);
    }

    private static void port(ByteArrayOutputStream out, int value) {
        out.write(value >> 8);
        out.write(value);
    }

    /** The address's bytes: 4 for IPv4 and for v4-mapped IPv6, 16 for other IPv6. */
    private static byte[] numeric(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address.getHostString());
        }
        var bytes = address.getAddress().getAddress();
        return bytes.length == 16 && mapped(bytes) ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
    }

    private static boolean mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static byte[] sixteen(byte[] bytes) {
        if (bytes.length == 16) {
            return bytes;
        }
        var mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        return mapped;
    }

    private static String text(byte[] bytes, boolean four) {
        if (four) {
            return dotted(bytes, 0);
        }
        if (bytes.length == 4) {
            return "::ffff:" + dotted(bytes, 0);
        }
        return ipv6(bytes);
    }

    private static String dotted(byte[] bytes, int from) {
        return (bytes[from] & 0xff) + "." + (bytes[from + 1] & 0xff) + "." + (bytes[from + 2] & 0xff) + "."
                + (bytes[from + 3] & 0xff);
    }

    /** RFC 5952's form, as inet_ntop writes it: lower case, no leading zeros, "::" for the first longest run of two or more zero groups. */
    private static String ipv6(byte[] bytes) {
        var groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        int best = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                best = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        var text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
