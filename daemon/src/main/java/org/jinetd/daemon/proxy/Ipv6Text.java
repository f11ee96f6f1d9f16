package org.jinetd.daemon.proxy;

/**
 * An IPv6 address as the spec writes it: groups of one to four hex digits (either case) between
 * single colons, at most one {@code ::} standing for one or more zero groups, 128 bits in all, and
 * optionally the last 32 bits as an IPv4 dotted quad (no leading zero there either), as inet_pton
 * reads them. No zone ({@code %eth0}), no brackets, no prefix length.
 */
final class Ipv6Text implements AddressText {
    static final String NOT = "is not an IPv6 address";
    private static final String GROUPS = "does not have 8 groups";
    private static final String OCTET = "has an IPv4 part with a leading zero or above 255";

    private enum State {
        /** Nothing read yet. */
        START,
        /** A colon at the start: only {@code ::} may begin so. */
        LEAD_COLON,
        /** Hex digits of a group (or decimal digits that may yet be the first number of an IPv4 tail). */
        TOKEN,
        /** A colon after a group. */
        COLON,
        /** Just after {@code ::}. */
        GAP,
        /** In the IPv4 tail, after its first dot. */
        TAIL
    }

    private final int[] groups = new int[8];
    /** Groups written out so far (an IPv4 tail counts for two once whole). */
    private int count;
    /** Where {@code ::} stands among the groups, or -1. */
    private int gap = -1;
    private State state = State.START;
    private int digits;
    private int hex;
    /** The token read as a decimal number. */
    private int decimal;
    /** The token has decimal digits only. */
    private boolean allDecimal;
    /** The token may be the first octet of an IPv4 tail: 0 to 255, no leading zero. */
    private boolean octet;
    private final int[] octets = new int[4];
    private int dots;
    private String problem;

    @Override
    public Step feed(int c) {
        return switch (state) {
            case START -> c == ':' ? to(State.LEAD_COLON) : begin(c);
            case LEAD_COLON -> {
                if (c != ':') {
                    yield bad(NOT);
                }
                gap = 0;
                yield to(State.GAP);
            }
            case GAP -> c == ' ' ? Step.END : begin(c);
            case COLON -> {
                if (c == ':') {
                    if (gap >= 0) {
                        yield bad("has more than one \"::\"");
                    }
                    gap = count;
                    yield to(State.GAP);
                }
                yield c == ' ' ? bad(NOT) : begin(c);
            }
            case TOKEN -> token(c);
            case TAIL -> tail(c);
        };
    }

    private Step begin(int c) {
        if (hexDigit(c) < 0) {
            return bad(NOT);
        }
        if (gap >= 0 && count >= 7) {
            // With "::" standing for at least one group, seven is the most that may be written.
            return bad(GROUPS);
        }
        digits = 0;
        hex = 0;
        decimal = 0;
        allDecimal = true;
        octet = true;
        state = State.TOKEN;
        return token(c);
    }

    private Step token(int c) {
        int digit = hexDigit(c);
        if (digit >= 0) {
            if (digits == 4) {
                return bad("has a group of more than 4 hex digits");
            }
            hex = hex * 16 + digit;
            allDecimal = allDecimal && digit < 10;
            octet = octet && allDecimal && !(digits == 1 && decimal == 0);
            decimal = decimal * 10 + digit;
            octet = octet && decimal <= 255;
            digits++;
            return Step.MORE;
        }
        if (c == ':') {
            groups[count++] = hex;
            // Room for the group that must follow a single colon (or, without "::" yet, for "::").
            if (count > (gap >= 0 ? 6 : 7)) {
                return bad(GROUPS);
            }
            return to(State.COLON);
        }
        if (c == '.') {
            if (count == 0 && gap < 0) {
                // A bare IPv4 address where IPv6 is due: the family does not match the protocol.
                return bad(NOT);
            }
            if (!octet) {
                return bad(allDecimal ? OCTET : NOT);
            }
            // The tail is the last two groups: exactly the 7th and 8th, or within what "::" leaves.
            if (gap >= 0 ? count > 5 : count != 6) {
                return bad(GROUPS);
            }
            octets[0] = decimal;
            dots = 1;
            digits = 0;
            decimal = 0;
            return to(State.TAIL);
        }
        if (c == ' ') {
            groups[count++] = hex;
            return gap >= 0 || count == 8 ? Step.END : bad(GROUPS);
        }
        return bad(NOT);
    }

    private static int hexDigit(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private Step tail(int c) {
        if (c >= '0' && c <= '9') {
            if (digits == 1 && decimal == 0) {
                return bad(OCTET);
            }
            decimal = decimal * 10 + (c - '0');
            if (decimal > 255) {
                return bad(OCTET);
            }
            digits++;
            return Step.MORE;
        }
        if (c == '.' && digits > 0 && dots < 3) {
            octets[dots++] = decimal;
            digits = 0;
            decimal = 0;
            return Step.MORE;
        }
        if (c == ' ' && digits > 0 && dots == 3) {
            octets[3] = decimal;
            groups[count++] = octets[0] << 8 | octets[1];
            groups[count++] = octets[2] << 8 | octets[3];
            return Step.END;
        }
        return bad(NOT);
    }

    @Override
    public int least() {
        return switch (state) {
            case START -> 2; // "::"
            case LEAD_COLON, COLON -> 1; // the second colon, or a digit
            case GAP -> 0;
            // Whole already if "::" made up the missing groups or this is the 8th; otherwise "::" will.
            case TOKEN -> gap >= 0 || count == 7 ? 0 : 2;
            case TAIL -> (digits == 0 ? 1 : 0) + 2 * (3 - dots);
        };
    }

    @Override
    public String problem() {
        return problem;
    }

    @Override
    public byte[] bytes() {
        var bytes = new byte[16];
        int zeros = 8 - count;
        for (int i = 0, at = 0; i < count; i++, at++) {
            if (i == gap) {
                at += zeros;
            }
            bytes[2 * at] = (byte) (groups[i] >> 8);
            bytes[2 * at + 1] = (byte) groups[i];
        }
        return bytes;
    }

    private Step to(State next) {
        state = next;
        return Step.MORE;
    }

    private Step bad(String why) {
        problem = why;
        return Step.BAD;
    }
}
