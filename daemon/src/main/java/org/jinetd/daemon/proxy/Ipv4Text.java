package org.jinetd.daemon.proxy;

/**
 * An IPv4 address as the spec writes it: exactly four decimal numbers from 0 to 255, one dot
 * between each, no leading zero (which some readers take for octal: {@code 010} is 8 to inet_aton).
 */
final class Ipv4Text implements AddressText {
    static final String NOT = "is not an IPv4 address";
    private final byte[] octets = new byte[4];
    private int dots;
    private int digits;
    private int value;
    private String problem;

    @Override
    public Step feed(int c) {
        if (c >= '0' && c <= '9') {
            if (digits == 1 && value == 0) {
                return bad("has an octet with a leading zero");
            }
            value = value * 10 + (c - '0');
            if (value > 255) {
                return bad("has an octet above 255");
            }
            digits++;
            return Step.MORE;
        }
        if (c == '.' && digits > 0 && dots < 3) {
            octets[dots++] = (byte) value;
            digits = 0;
            value = 0;
            return Step.MORE;
        }
        if (c == ' ' && digits > 0 && dots == 3) {
            octets[3] = (byte) value;
            return Step.END;
        }
        return bad(NOT);
    }

    @Override
    public int least() {
        // A digit for the number begun (if none yet), then ".0" for each number still missing.
        return (digits == 0 ? 1 : 0) + 2 * (3 - dots);
    }

    @Override
    public String problem() {
        return problem;
    }

    @Override
    public byte[] bytes() {
        return octets.clone();
    }

    private Step bad(String why) {
        problem = why;
        return Step.BAD;
    }
}
