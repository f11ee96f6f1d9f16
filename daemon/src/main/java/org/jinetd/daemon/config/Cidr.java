package org.jinetd.daemon.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** An address prefix such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a full-length prefix. */
public record Cidr(byte[] network, int bits) {
    public Cidr {
        network = network.clone();
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /**
     * Parses {@code ADDRESS[/BITS]} written as numbers (never a name: a table must not depend on DNS).
     * Empty with a reason when it is not one.
     */
    static Result parse(String text) {
        var slash = text.indexOf('/');
        var address = slash < 0 ? text : text.substring(0, slash);
        if (!looksNumeric(address)) {
            return new Result(null, "'" + Node.token(text) + "' is not an IPv4 or IPv6 address");
        }
        InetAddress parsed;
        try {
            parsed = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return new Result(null, "'" + Node.token(text) + "' is not an IPv4 or IPv6 address");
        }
        var bytes = canonical(parsed);
        int max = bytes.length * 8;
        int bits = max;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                return new Result(null, "prefix length in '" + text + "' must be 0 to " + max);
            }
        }
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] &= mask(i, bits);
        }
        return new Result(new Cidr(bytes, bits), null);
    }

    record Result(Cidr cidr, String error) {
        Optional<Cidr> value() {
            return Optional.ofNullable(cidr);
        }
    }

    /** The prefix of length {@code bits} that holds {@code address} (v4-mapped addresses as IPv4). */
    public static Cidr around(InetAddress address, int bits) {
        var bytes = canonical(address);
        int length = Math.min(bits, bytes.length * 8);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] &= mask(i, length);
        }
        return new Cidr(bytes, length);
    }

    /** Does {@code peer} fall in this prefix? IPv4 peers seen through an IPv6 socket match IPv4 rules. */
    public boolean contains(InetAddress peer) {
        var bytes = canonical(peer);
        if (bytes.length != network.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if ((bytes[i] & mask(i, bits)) != network[i]) {
                return false;
            }
        }
        return true;
    }

    /** The address's bytes, v4-mapped IPv6 ({@code ::ffff:a.b.c.d}) as IPv4. */
    static byte[] canonical(InetAddress address) {
        var bytes = address.getAddress();
        if (address instanceof Inet6Address && isV4Mapped(bytes)) {
            return java.util.Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte mask(int index, int bits) {
        int left = bits - index * 8;
        if (left >= 8) {
            return (byte) 0xff;
        }
        return left <= 0 ? 0 : (byte) (0xff << (8 - left));
    }

    private static boolean looksNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
    }

    @Override
    public String toString() {
        try {
            var address = network.length == 4 ? Inet4Address.getByAddress(network) : Inet6Address.getByAddress(network);
            return address.getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.bits == bits && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + bits;
    }
}
