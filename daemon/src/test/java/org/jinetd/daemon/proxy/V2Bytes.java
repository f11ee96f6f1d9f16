package org.jinetd.daemon.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** v2 headers built by hand from the spec's layout, right or wrong on purpose. */
final class V2Bytes {
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private V2Bytes() {
    }

    /** Signature, version and command, family, the length of what follows, then what follows. */
    static byte[] header(int versionCommand, int family, byte[]... parts) {
        var body = concat(parts);
        return concat(SIGNATURE, new byte[] {(byte) versionCommand, (byte) family, (byte) (body.length >> 8),
                (byte) body.length}, body);
    }

    static byte[] tlv(int type, byte[] value) {
        return concat(new byte[] {(byte) type, (byte) (value.length >> 8), (byte) value.length}, value);
    }

    static byte[] tlv(int type, String value) {
        return tlv(type, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The CRC32C TLV's place, to be filled by {@link #crc}. */
    static byte[] crcTlv() {
        return tlv(0x03, new byte[4]);
    }

    /** The header with the CRC32c of itself (its CRC field zero) in the field that starts at {@code at}. */
    static byte[] crc(byte[] header, int at) {
        var copy = header.clone();
        var sum = new CRC32C();
        sum.update(copy);
        long value = sum.getValue();
        for (int i = 0; i < 4; i++) {
            copy[at + i] = (byte) (value >> (24 - 8 * i));
        }
        return copy;
    }

    /** 192.0.2.1:56324 to 198.51.100.2:443. */
    static byte[] ipv4() {
        return new byte[] {(byte) 192, 0, 2, 1, (byte) 198, 51, 100, 2, (byte) 0xdc, 0x04, 0x01, (byte) 0xbb};
    }

    /** 2001:db8::1:56324 to 2001:db8::2:443. */
    static byte[] ipv6() {
        var block = new byte[36];
        block[0] = 0x20;
        block[1] = 0x01;
        block[2] = 0x0d;
        block[3] = (byte) 0xb8;
        block[15] = 1;
        System.arraycopy(block, 0, block, 16, 15);
        block[31] = 2;
        block[32] = (byte) 0xdc;
        block[33] = 0x04;
        block[34] = 0x01;
        block[35] = (byte) 0xbb;
        return block;
    }

    /** Two sun_path fields of 108 bytes, NUL-padded. */
    static byte[] unix(byte[] source, byte[] destination) {
        var block = new byte[216];
        System.arraycopy(source, 0, block, 0, source.length);
        System.arraycopy(destination, 0, block, 108, destination.length);
        return block;
    }

    static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (var part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
