package org.jinetd.daemon.convert;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jinetd.daemon.os.AddressText;

/**
 * One word of an xinetd {@code only_from} or {@code no_access}, read as xinetd 2.3.15's
 * addr.c reads it, trying in its order: a numeric address (whose trailing zero bytes are
 * wildcards, so {@code 10.0.0.0} is 10.0.0.0/8 and {@code 0.0.0.0} every IPv4 client), a
 * host name or {@code .domain}, {@code ADDRESS/BITS}, a factorized {@code 10.1.{2,3}}, a
 * network name. A word none of them takes is ignored by xinetd (it logs "failed to parse").
 */
sealed interface XinetdAddress {
    /** IPv4 or IPv6 prefixes, written as jinetd reads them ({@code 10.0.0.0/8}; one address bare). */
    record Prefixes(List<String> prefixes) implements XinetdAddress {}

    /** A host name: xinetd admits a client whose reverse lookup gives exactly this name. */
    record Host(String name) implements XinetdAddress {}

    /** {@code .example.com}: xinetd admits a client whose reverse lookup ends so. */
    record Domain(String suffix) implements XinetdAddress {}

    /** A word xinetd ignores, or (with {@code fatal}) one that makes it drop the whole service. */
    record Unparsed(String word, boolean fatal) implements XinetdAddress {}

    static XinetdAddress parse(String word) {
        if (word.isEmpty()) {
            return new Unparsed(word, false);
        }
        if (word.contains(",") && !word.contains("{")) {
            // "Address: %s has a comma in it - remove the comma": the attribute fails.
            return new Unparsed(word, true);
        }
        if (!word.contains("/") && !word.contains("{")) {
            if (word.contains(":")) {
                var v6 = v6(word);
                if (v6 != null) {
                    return new Prefixes(List.of(v6));
                }
            } else {
                var v4 = inetAton(word);
                if (v4 >= 0) {
                    return new Prefixes(List.of(v4(v4, trailingZeroBits(v4))));
                }
            }
            if (word.startsWith(".")) {
                return onlyDigitsAndDots(word) ? new Unparsed(word, false) : new Domain(word);
            }
            if (!onlyDigitsAndDots(word) && !word.contains(":")) {
                return new Host(word);
            }
            // Tried last as a factorized address, where two dots in a row fail the attribute.
            return new Unparsed(word, word.contains(".."));
        }
        if (word.contains("/") && !word.contains("{")) {
            return explicitMask(word);
        }
        return factorized(word);
    }

    /** The prefix length xinetd gives a numeric IPv4 address: its trailing zero bytes are wildcards. */
    private static int trailingZeroBits(long address) {
        if (address == 0) {
            return 0;
        }
        int bits = 32;
        while ((address & 0xff) == 0) {
            address >>= 8;
            bits -= 8;
        }
        return bits;
    }

    private static XinetdAddress explicitMask(String word) {
        var slash = word.indexOf('/');
        var address = word.substring(0, slash);
        // strtol's sign and ASCII digits; Integer.parseInt would take other scripts' digits too.
        var mask = word.substring(slash + 1);
        if (!mask.matches("[+-]?[0-9]{1,9}")) {
            return new Unparsed(word, false);
        }
        int bits = Integer.parseInt(mask);
        if (bits < 0) {
            return new Unparsed(word, false);
        }
        if (address.contains(":")) {
            var v6 = v6(address);
            return v6 == null ? new Unparsed(word, false)
                    : new Prefixes(List.of(bits >= 128 ? v6 : v6 + "/" + bits));
        }
        var v4 = inetAton(address);
        return v4 < 0 ? new Unparsed(word, false) : new Prefixes(List.of(v4(v4, Math.min(bits, 32))));
    }

    /** {@code 128.138.{200,201}}: each value fills the byte after the dots, the rest are wildcards. */
    private static XinetdAddress factorized(String word) {
        long address = 0;
        int number = 0;
        int shift = 24;
        int brace = word.indexOf('{');
        char last = '.';
        for (int i = 0; i < brace; last = word.charAt(i++)) {
            char c = word.charAt(i);
            if (c >= '0' && c <= '9') {
                number = number * 10 + (c - '0');
            } else if (c == '.') {
                if (last == '.') {
                    return new Unparsed(word, true);
                }
                address = address * 256 + number;
                number = 0;
                shift -= 8;
            } else {
                return new Unparsed(word, false);
            }
        }
        if (shift < 0 || !word.endsWith("}")) {
            return new Unparsed(word, true);
        }
        if (address != 0) {
            address <<= shift + 8;
        }
        var out = new ArrayList<String>();
        for (var value : word.substring(brace + 1, word.length() - 1).split(",", -1)) {
            if (!value.matches("[0-9]{1,9}")) {
                return new Unparsed(word, true);
            }
            out.add(v4((address + ((long) Integer.parseInt(value) << shift)) & 0xffffffffL, 32 - shift));
        }
        return new Prefixes(out);
    }

    /**
     * The addresses of {@code host} that xinetd would admit: those whose own reverse lookup
     * gives the name back (xinetd compares each client's reverse name with it). Empty when the
     * name does not resolve here.
     */
    static List<String> resolve(String host) {
        var out = new ArrayList<String>();
        try {
            for (var address : InetAddress.getAllByName(host)) {
                var back = InetAddress.getByAddress(address.getAddress()).getHostName();
                if (back.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT))) {
                    out.add(AddressText.of(address));
                }
            }
        } catch (UnknownHostException e) {
            return List.of();
        }
        return out.stream().distinct().toList();
    }

    private static String v4(long address, int bits) {
        long mask = bits == 0 ? 0 : 0xffffffffL << (32 - bits) & 0xffffffffL;
        long a = address & mask;
        var text = "%d.%d.%d.%d".formatted(a >> 24 & 0xff, a >> 16 & 0xff, a >> 8 & 0xff, a & 0xff);
        return bits == 32 ? text : text + "/" + bits;
    }

    private static String v6(String text) {
        if (!text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            return AddressText.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean onlyDigitsAndDots(String word) {
        return word.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.');
    }

    /**
     * glibc's inet_aton, which xinetd's numeric parse goes through: one to four parts,
     * decimal, octal (leading 0) or hex (0x); the last part fills the bytes left. -1 when it
     * is not one (a trailing dot, as in {@code 192.168.1.}, is not).
     */
    static long inetAton(String text) {
        var parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return -1;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            var p = parts[i];
            // glibc's digits only: Long.parseLong would take a sign and other scripts' digits too.
            if (!p.matches("0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")) {
                return -1;
            }
            try {
                if (p.startsWith("0x") || p.startsWith("0X")) {
                    values[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
                } else if (p.startsWith("0") && p.length() > 1) {
                    values[i] = Long.parseLong(p.substring(1), 8);
                } else {
                    values[i] = Long.parseLong(p);
                }
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        long address = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 0xff) {
                return -1;
            }
            address |= values[i] << (24 - 8 * i);
        }
        long lastMax = 0xffffffffL >>> (8 * (values.length - 1));
        if (values[values.length - 1] > lastMax) {
            return -1;
        }
        return address | values[values.length - 1];
    }
}
