package org.jinetd.daemon.proxy;

import java.net.InetSocketAddress;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;

/**
 * The text line of version 1, read a byte at a time: a byte the grammar does not allow is refused
 * where it stands, and a line cut short says how many bytes its shortest end still needs.
 *
 * <pre>
 * "PROXY" SP "TCP4" SP ipv4 SP ipv4 SP port SP port CRLF
 * "PROXY" SP "TCP6" SP ipv6 SP ipv6 SP port SP port CRLF
 * "PROXY" SP "UNKNOWN" [SP printable...] CRLF
 * </pre>
 *
 * Strict where the spec lets a receiver choose: exactly one space between fields, CRLF and never a
 * lone CR or LF, ports 0 to 65535 without a leading zero (0 itself is allowed, the spec's range
 * includes it; 65536 is refused, not wrapped), at most 107 bytes with the CRLF. After UNKNOWN comes
 * CRLF or a space, and what the spec says to ignore up to the CRLF must still be printable
 * US-ASCII (or spaces).
 */
final class V1Line {
    /** "PROXY UNKNOWN\r\n". */
    static final int SHORTEST = 15;
    /** The spec's worst case, "PROXY UNKNOWN" with two full IPv6 addresses and ports, CRLF included. */
    static final int LONGEST = 107;
    static final String TOO_LONG = "v1 line without CRLF in 107 bytes";
    private static final byte[] PREFIX = {'P', 'R', 'O', 'X', 'Y', ' '};
    private static final byte[] TCP = {'T', 'C', 'P'};
    private static final byte[] UNKNOWN = {'U', 'N', 'K', 'N', 'O', 'W', 'N'};
    private static final String PROTOCOL = "v1 protocol is not TCP4, TCP6 or UNKNOWN";
    /** The shortest rest after "TCP4 ": "0.0.0.0 0.0.0.0 0 0\r\n". */
    private static final int TCP4_REST = 21;
    /** The shortest rest after "TCP6 ": ":: :: 0 0\r\n". */
    private static final int TCP6_REST = 11;

    private enum Field {
        SOURCE("source address"), DESTINATION("destination address"), SOURCE_PORT("source port"),
        DESTINATION_PORT("destination port"), LF("line end");

        final String name;

        Field(String name) {
            this.name = name;
        }
    }

    private V1Line() {
    }

    /** Could the first {@code length} bytes begin a v1 line? */
    static boolean begins(byte[] bytes, int length) {
        for (int i = 0; i < Math.min(length, PREFIX.length); i++) {
            if (bytes[i] != PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    static Parsed parse(byte[] bytes, int length) {
        if (!begins(bytes, length)) {
            return new Parsed.Bad(ProxyParser.NOT_HEADER);
        }
        if (length < PREFIX.length) {
            return new Parsed.Partial(SHORTEST - length);
        }
        int at = PREFIX.length;
        if (length == at) {
            return new Parsed.Partial(SHORTEST - length);
        }
        if (bytes[at] == 'U') {
            return unknown(bytes, length);
        }
        if (bytes[at] != 'T') {
            return new Parsed.Bad(PROTOCOL);
        }
        // "TCP" then '4' or '6' then a space; while the digit is unknown, TCP6 is the shorter line.
        for (int i = 0; i < TCP.length; i++, at++) {
            if (at == length) {
                return new Parsed.Partial(TCP.length - i + 2 + TCP6_REST);
            }
            if (bytes[at] != TCP[i]) {
                return new Parsed.Bad(PROTOCOL);
            }
        }
        if (at == length) {
            return new Parsed.Partial(2 + TCP6_REST);
        }
        boolean six = bytes[at] == '6';
        if (!six && bytes[at] != '4') {
            return new Parsed.Bad(PROTOCOL);
        }
        at++;
        int rest = six ? TCP6_REST : TCP4_REST;
        if (at == length) {
            return new Parsed.Partial(1 + rest);
        }
        if (bytes[at] != ' ') {
            return new Parsed.Bad(PROTOCOL);
        }
        return addresses(bytes, at + 1, length, six);
    }

    private static Parsed unknown(byte[] bytes, int length) {
        int at = PREFIX.length;
        for (int i = 0; i < UNKNOWN.length; i++, at++) {
            if (at == length) {
                return new Parsed.Partial(UNKNOWN.length - i + 2);
            }
            if (bytes[at] != UNKNOWN[i]) {
                return new Parsed.Bad(PROTOCOL);
            }
        }
        if (at < length && bytes[at] != ' ' && bytes[at] != '\r' && bytes[at] != '\n') {
            return new Parsed.Bad("v1 UNKNOWN is followed by neither a space nor CRLF");
        }
        // The spec has the rest ignored up to CRLF: skipped, but only printable and within the bound.
        for (; at < length; at++) {
            int c = bytes[at] & 0xff;
            if (c == '\r') {
                return end(bytes, at + 1, length, new ProxyHeader.Unknown(1, Tlvs.NONE));
            }
            if (c == '\n') {
                return new Parsed.Bad("v1 line ends in LF without CR");
            }
            if (c < 0x20 || c > 0x7e) {
                return new Parsed.Bad("v1 UNKNOWN line with a byte outside printable ASCII");
            }
            if (at + 1 + 2 > LONGEST) {
                return new Parsed.Bad(TOO_LONG);
            }
        }
        return partial(length, 2);
    }

    /** The LF after the CR at {@code at - 1}. */
    private static Parsed end(byte[] bytes, int at, int length, ProxyHeader header) {
        if (at == length) {
            return partial(length, 1);
        }
        if (bytes[at] != '\n') {
            return new Parsed.Bad("v1 line has CR without LF");
        }
        return new Parsed.Complete(header, at + 1);
    }

    private static Parsed addresses(byte[] bytes, int at, int length, boolean six) {
        AddressText source = six ? new Ipv6Text() : new Ipv4Text();
        AddressText destination = six ? new Ipv6Text() : new Ipv4Text();
        var field = Field.SOURCE;
        int start = at;
        int sourcePort = -1;
        int port = 0;
        for (; at < length; at++) {
            int c = bytes[at] & 0xff;
            if (c == ' ' && at == start) {
                return new Parsed.Bad("v1 fields are not separated by exactly one space");
            }
            switch (field) {
                case SOURCE, DESTINATION -> {
                    var address = field == Field.SOURCE ? source : destination;
                    switch (address.feed(c)) {
                        case MORE -> { }
                        case END -> {
                            field = field == Field.SOURCE ? Field.DESTINATION : Field.SOURCE_PORT;
                            start = at + 1;
                        }
                        case BAD -> {
                            return bad(field, c, address.problem());
                        }
                    }
                }
                case SOURCE_PORT, DESTINATION_PORT -> {
                    int end = field == Field.SOURCE_PORT ? ' ' : '\r';
                    if (c == end && at > start) {
                        if (field == Field.SOURCE_PORT) {
                            sourcePort = port;
                            port = 0;
                            field = Field.DESTINATION_PORT;
                            start = at + 1;
                        } else {
                            field = Field.LF;
                        }
                    } else if (c >= '0' && c <= '9') {
                        if (at == start + 1 && port == 0) {
                            return new Parsed.Bad("v1 " + field.name + " has a leading zero");
                        }
                        port = port * 10 + (c - '0');
                        if (port > 65535) {
                            return new Parsed.Bad("v1 " + field.name + " is above 65535");
                        }
                    } else {
                        return bad(field, c, "is not a decimal number");
                    }
                }
                case LF -> {
                    if (c != '\n') {
                        return new Parsed.Bad("v1 line has CR without LF");
                    }
                    var header = new ProxyHeader.Inet(1,
                            new InetSocketAddress(AddressText.address(source.bytes()), sourcePort),
                            new InetSocketAddress(AddressText.address(destination.bytes()), port), Tlvs.NONE);
                    return new Parsed.Complete(header, at + 1);
                }
            }
            if (at + 1 + least(field, source, destination, at + 1 > start, six) > LONGEST) {
                return new Parsed.Bad(TOO_LONG);
            }
        }
        return partial(length, least(field, source, destination, length > start, six));
    }

    /** The fewest bytes that end the line from where {@code field} stands. */
    private static int least(Field field, AddressText source, AddressText destination, boolean begun, boolean six) {
        // What each field needs at least once begun, then the rest: " 0 0\r\n" after the destination.
        return switch (field) {
            case SOURCE -> source.least() + 1 + (six ? 2 : 7) + 6;
            case DESTINATION -> destination.least() + 6;
            case SOURCE_PORT -> (begun ? 0 : 1) + 4;
            case DESTINATION_PORT -> (begun ? 0 : 1) + 2;
            case LF -> 1;
        };
    }

    private static Parsed bad(Field field, int c, String problem) {
        if (c == '\n' && field == Field.DESTINATION_PORT) {
            return new Parsed.Bad("v1 line ends in LF without CR");
        }
        return new Parsed.Bad("v1 " + field.name + " " + problem);
    }

    private static Parsed partial(int length, int least) {
        return length + least > LONGEST ? new Parsed.Bad(TOO_LONG) : new Parsed.Partial(least);
    }
}
