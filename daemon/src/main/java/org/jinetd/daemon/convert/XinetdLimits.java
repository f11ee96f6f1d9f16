package org.jinetd.daemon.convert;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * xinetd's numbers as xinetd 2.3.15 reads them (parse_base10 and parse_ubase10: ASCII
 * digits, nothing after them), and its limits on jinetd's: {@code instances},
 * {@code per_source}, and {@code cps} as a rate. A value xinetd cannot read fails its
 * attribute: xinetd disables the service ("Error parsing attribute"), or exits when it is in
 * the defaults; nothing of it is written.
 */
final class XinetdLimits {
    private XinetdLimits() {}

    /** cps with other than two values: xinetd warns ("expects 2 values") and goes on without it. */
    static String ignored(Map<String, String> places, List<String> cps) {
        return written(places, "cps", String.join(" ", cps)) + ": xinetd expects two values and ignores it";
    }

    /** Why a service is disabled when xinetd failed one of its attributes ("Error parsing attribute"). */
    static String failed(Map<String, String> places, String key, String value) {
        return written(places, key, value) + ": xinetd cannot read it and disables the service";
    }

    /** An attribute as written, and where: {@code port = x (FILE line N)}. */
    static String written(Map<String, String> places, String key, String value) {
        return key + " = " + value + (places.containsKey(key) ? " (" + places.get(key) + ")" : "");
    }

    /**
     * xinetd's cps (two values) switched a busy service off; jinetd's rate holds clients back.
     * 0 turns xinetd's check off. False when xinetd cannot read the values (parse_ubase10).
     */
    static boolean rate(List<String> cps, Imported.Service s) {
        var most = unsigned(cps.get(0));
        var wait = unsigned(cps.get(1));
        if (most.isEmpty() || wait.isEmpty()) {
            return false;
        }
        if (most.getAsLong() == 0) {
            s.note("cps = " + String.join(" ", cps) + ": xinetd's check is off, so no rate is written");
            return true;
        }
        s.put("rate", Value.entries("per_second", Value.whole(most.getAsLong()), "burst", Value.whole(most.getAsLong())),
                "xinetd's cps switched the service off for " + wait.getAsLong() + " s; jinetd holds clients back instead");
        return true;
    }

    /** instances and per_source: xinetd's UNLIMITED, or a whole number of at least 0; empty where xinetd fails it. */
    static Optional<Value> limit(String value) {
        if (value.equals("UNLIMITED")) {
            return Optional.of(Value.text("unlimited"));
        }
        var number = decimal(value);
        return number.isPresent() && number.getAsLong() >= 0 ? Optional.of(Value.whole(number.getAsLong()))
                : Optional.empty();
    }

    /**
     * A number as xinetd's parse_base10 reads it (strtol, base 10, nothing after it): a sign
     * and ASCII digits that fit an int. Empty where xinetd fails the attribute.
     */
    static OptionalLong decimal(String value) {
        if (!value.matches("[+-]?[0-9]{1,10}")) {
            return OptionalLong.empty();
        }
        long number = Long.parseLong(value);
        return number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE ? OptionalLong.of(number) : OptionalLong.empty();
    }

    /** parse_ubase10, for cps: ASCII digits, at most what xinetd's int holds (more reads as negative, and fails). */
    private static OptionalLong unsigned(String value) {
        var number = decimal(value);
        return number.isPresent() && number.getAsLong() >= 0 ? number : OptionalLong.empty();
    }
}
