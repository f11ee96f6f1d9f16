package org.jinetd.daemon.proxy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;

/**
 * The binary header of version 2: the 12-byte signature, version 2 and a command, the family and
 * transport, a length, the address block of that family, then TLVs up to that length.
 *
 * <p>Strict where the spec lets a receiver choose:
 * <ul>
 * <li>PROXY takes AF_UNSPEC (with any transport: {@link ProxyHeader.Unknown}) and TCP over IPv4,
 *     IPv6 or UNIX ({@code 0x11}, {@code 0x21}, {@code 0x31}). A datagram transport is refused
 *     rather than taken as unknown: UDP relayed to a stream listener means a relay set up wrong.
 *     A family with no transport ({@code 0x10}, {@code 0x20}, {@code 0x30}) is none of the spec's
 *     combinations and is refused.</li>
 * <li>LOCAL ignores the family, as the spec says, but it must still be one of the spec's
 *     combinations, and the length must still cover that family's address block, which is
 *     skipped; TLVs after it are read as for PROXY.</li>
 * <li>The length must cover the family's address block, and the whole header is at most
 *     {@link #LONGEST} bytes (the field allows 65,551): the daemon holds no more than that for a
 *     peer, and the largest header haproxy writes (two IPv6 addresses, ALPN, a 255-byte
 *     AUTHORITY, a 128-byte UNIQUE_ID, the SSL TLV with its five texts, NETNS) is well under it.</li>
 * <li>TLVs must fill the rest exactly; see {@link V2Tlvs} for each type.</li>
 * </ul>
 */
final class V2Header {
    /** Signature, version and command, family, length. */
    static final int FIXED = 16;
    /** The most a header may be, in all. */
    static final int LONGEST = 4096;
    /** The same words whether the length's high byte alone or the whole length said it. */
    static final String TOO_LONG = "v2 header longer than 4096 bytes";
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int LOCAL = 0;
    private static final int PROXY = 1;
    private static final int AF_UNSPEC = 0;
    private static final int AF_INET = 1;
    private static final int AF_INET6 = 2;
    private static final int AF_UNIX = 3;
    private static final int DGRAM = 2;
    /** sizeof(sun_path) on Linux, as the spec has it. */
    private static final int UNIX_PATH = 108;

    private V2Header() {
    }

    /** Could the first {@code length} bytes begin a v2 header? */
    static boolean begins(byte[] bytes, int length) {
        return Arrays.equals(bytes, 0, Math.min(length, SIGNATURE.length), SIGNATURE, 0,
                Math.min(length, SIGNATURE.length));
    }

    static Parsed parse(byte[] bytes, int length) {
        if (!begins(bytes, length)) {
            return new Parsed.Bad(ProxyParser.NOT_HEADER);
        }
        if (length <= SIGNATURE.length) {
            return new Parsed.Partial(FIXED - length);
        }
        int version = (bytes[12] & 0xf0) >> 4;
        int command = bytes[12] & 0x0f;
        if (version != 2) {
            return new Parsed.Bad("v2 signature with version " + version);
        }
        if (command != LOCAL && command != PROXY) {
            return new Parsed.Bad("v2 command " + command + " is neither LOCAL nor PROXY");
        }
        if (length == 13) {
            return new Parsed.Partial(FIXED - length);
        }
        int family = (bytes[13] & 0xf0) >> 4;
        int transport = bytes[13] & 0x0f;
        var problem = problem(command, family, transport);
        if (problem != null) {
            return new Parsed.Bad("v2 " + problem);
        }
        int block = block(family);
        if (length == 14) {
            return new Parsed.Partial(FIXED + block - length);
        }
        if (length == 15) {
            // The length's high byte alone: the header is at least that long.
            int least = Math.max(block, (bytes[14] & 0xff) << 8);
            if (FIXED + least > LONGEST) {
                return new Parsed.Bad(TOO_LONG);
            }
            return new Parsed.Partial(FIXED + least - length);
        }
        int total = FIXED + ((bytes[14] & 0xff) << 8 | bytes[15] & 0xff);
        if (total > LONGEST) {
            return new Parsed.Bad(TOO_LONG);
        }
        if (total - FIXED < block) {
            return new Parsed.Bad("v2 length " + (total - FIXED) + " is short of the " + block + "-byte "
                    + name(family) + " address block");
        }
        if (length < total) {
            return new Parsed.Partial(total - length);
        }
        var tlvs = new V2Tlvs();
        problem = tlvs.read(bytes, FIXED + block, total);
        if (problem != null) {
            return new Parsed.Bad("v2 " + problem);
        }
        if (command == LOCAL) {
            return new Parsed.Complete(new ProxyHeader.Local(2, tlvs.tlvs()), total);
        }
        return switch (family) {
            case AF_INET, AF_INET6 -> {
                int size = family == AF_INET ? 4 : 16;
                int ports = FIXED + 2 * size;
                var source = new InetSocketAddress(AddressText.address(Arrays.copyOfRange(bytes, FIXED, FIXED + size)),
                        port(bytes, ports));
                var destination = new InetSocketAddress(
                        AddressText.address(Arrays.copyOfRange(bytes, FIXED + size, ports)), port(bytes, ports + 2));
                yield new Parsed.Complete(new ProxyHeader.Inet(2, source, destination, tlvs.tlvs()), total);
            }
            case AF_UNIX -> {
                var source = path(bytes, FIXED);
                var destination = path(bytes, FIXED + UNIX_PATH);
                if (source == null || destination == null) {
                    yield new Parsed.Bad("v2 UNIX " + (source == null ? "source" : "destination")
                            + " path with a byte outside printable ASCII");
                }
                yield new Parsed.Complete(new ProxyHeader.Unix(2, source, destination, tlvs.tlvs()), total);
            }
            default -> new Parsed.Complete(new ProxyHeader.Unknown(2, tlvs.tlvs()), total);
        };
    }

    /** Why this command, family and transport are refused, or null. */
    private static String problem(int command, int family, int transport) {
        if (family > AF_UNIX) {
            return "address family " + family + " is unknown";
        }
        if (transport > DGRAM) {
            return "transport protocol " + transport + " is unknown";
        }
        if (family != AF_UNSPEC && transport == 0) {
            return name(family) + " family with an unspecified transport protocol";
        }
        if (command == PROXY && transport == DGRAM && family != AF_UNSPEC) {
            return name(family) + " datagrams on a stream listener";
        }
        return null;
    }

    /** The address block the family brings (UDP's the same as TCP's, for a LOCAL header to skip). */
    private static int block(int family) {
        return switch (family) {
            case AF_INET -> 12;
            case AF_INET6 -> 36;
            case AF_UNIX -> 2 * UNIX_PATH;
            default -> 0;
        };
    }

    private static String name(int family) {
        return switch (family) {
            case AF_INET -> "IPv4";
            case AF_INET6 -> "IPv6";
            case AF_UNIX -> "UNIX";
            default -> "unspecified";
        };
    }

    private static int port(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
    }

    /**
     * A sun_path: the bytes before the first NUL. One that begins with a NUL is Linux's abstract
     * namespace, written {@code @name} as ss and systemd write it (its length is not in the header,
     * so the name ends at the next NUL); all NULs is an unnamed socket, "". Null when the path holds
     * a byte outside printable US-ASCII: it will be logged and put in a program's environment.
     */
    private static String path(byte[] bytes, int from) {
        int end = from + UNIX_PATH;
        boolean isAbstract = bytes[from] == 0;
        int start = isAbstract ? from + 1 : from;
        int stop = start;
        while (stop < end && bytes[stop] != 0) {
            int c = bytes[stop] & 0xff;
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
            stop++;
        }
        var text = new String(bytes, start, stop - start, StandardCharsets.US_ASCII);
        return isAbstract && !text.isEmpty() ? "@" + text : text;
    }
}
