package org.jinetd.daemon.convert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * xinetd's {@code only_from} and {@code no_access} as xinetd 2.3.15 combines them, and as
 * jinetd writes them. In {@code defaults} every line adds (an {@code =} too); a service
 * starts from a copy of the defaults' lists, so its {@code =} replaces them, {@code +=} adds
 * to them and {@code -=} takes from them. A list that is there but empty (written with no
 * value, or emptied) admits no one; a list that is not there admits anyone. A client on
 * both lists is refused, as jinetd does by checking {@code no_access} first.
 */
final class XinetdAccess {
    static final Set<String> KEYS = Set.of("only_from", "no_access");

    /** One list as xinetd holds it; {@code fatal} when a word made xinetd reject the attribute. */
    record Rules(List<XinetdAddress> entries, boolean fatal, String badWord) {}

    /** What jinetd writes for one list: prefixes, comments, and why the service cannot run, if it cannot. */
    record Converted(List<String> prefixes, List<String> notes, String disable) {}

    private XinetdAccess() {}

    /** The lists of {@code entry}, starting from {@code start} (the defaults', or none for the defaults). */
    static Map<String, Rules> fold(XinetdConf.Entry entry, Map<String, Rules> start) {
        var out = new LinkedHashMap<>(start);
        boolean defaults = entry.name() == null;
        for (var a : entry.assignments()) {
            if (!KEYS.contains(a.key())) {
                continue;
            }
            var old = out.get(a.key());
            var entries = new ArrayList<XinetdAddress>(old == null ? List.of() : old.entries());
            boolean fatal = old != null && old.fatal();
            var bad = old == null ? null : old.badWord();
            if (a.op().equals("=") && !defaults) {
                entries.clear();
            }
            for (var word : a.values()) {
                var parsed = XinetdAddress.parse(word);
                if (parsed instanceof XinetdAddress.Unparsed u && u.fatal()) {
                    fatal = true;
                    bad = word;
                    break;
                }
                for (var one : flatten(parsed)) {
                    if (a.op().equals("-=")) {
                        entries.removeIf(one::equals);
                    } else {
                        entries.add(one);
                    }
                }
            }
            out.put(a.key(), new Rules(entries, fatal, bad));
        }
        return out;
    }

    /** xinetd adds and removes a factorized address one network at a time. */
    private static List<XinetdAddress> flatten(XinetdAddress parsed) {
        if (parsed instanceof XinetdAddress.Prefixes(var prefixes)) {
            return prefixes.stream().<XinetdAddress>map(p -> new XinetdAddress.Prefixes(List.of(p))).toList();
        }
        return List.of(parsed);
    }

    /** For {@code 192.168.1.}: the network its writer probably meant, which xinetd never applied. */
    private static String meant(String word) {
        var parts = word.split("\\.", -1);
        if (!word.endsWith(".") || parts.length < 2 || parts.length > 4
                || !word.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.')) {
            return "";
        }
        var network = new StringBuilder(word);
        for (int i = parts.length - 1; i < 4; i++) {
            network.append(i == parts.length - 1 ? "0" : ".0");
        }
        return "; if " + network + "/" + 8 * (parts.length - 1) + " was meant, write it";
    }

    /**
     * The jinetd list for {@code key}, with a comment on every word that is not an address.
     *
     * @param resolver the addresses xinetd would admit for a host name ({@link XinetdAddress#resolve})
     */
    static Converted convert(String key, Rules rules, Function<String, List<String>> resolver) {
        var prefixes = new LinkedHashSet<String>();
        var notes = new ArrayList<String>();
        String disable = null;
        if (rules.fatal()) {
            disable = "xinetd rejects this " + key + " ('" + rules.badWord() + "') and disables the service";
        }
        for (var entry : rules.entries()) {
            switch (entry) {
                case XinetdAddress.Prefixes(var p) -> prefixes.addAll(p);
                case XinetdAddress.Host(var name) -> {
                    var addresses = resolver.apply(name);
                    prefixes.addAll(addresses);
                    notes.add(key + " " + name + ": " + (addresses.isEmpty()
                            ? "no address here has that name, so none is written"
                            : "written as " + String.join(" ", addresses))
                            + " (xinetd compared each client's reverse lookup with the name; jinetd matches addresses)");
                }
                case XinetdAddress.Domain(var suffix) -> {
                    if (key.equals("no_access")) {
                        disable = "no_access " + suffix + " refuses clients by name, and jinetd matches addresses only:"
                                + " write their addresses, then enable it";
                    } else {
                        notes.add("only_from " + suffix + ": jinetd matches addresses, not names: clients under "
                                + suffix + " are no longer admitted");
                    }
                }
                case XinetdAddress.Unparsed(var word, var fatal) -> notes.add(key + " " + word
                        + ": xinetd cannot parse it and ignores it (it logs 'failed to parse')" + meant(word));
            }
        }
        if (disable == null && key.equals("only_from") && prefixes.isEmpty()) {
            disable = "only_from leaves no address to admit: xinetd refused every client";
            if (rules.entries().stream().anyMatch(e -> e instanceof XinetdAddress.Domain)) {
                disable = "only_from names only domains, which jinetd cannot match: write their addresses, then enable it";
            }
        }
        return new Converted(List.copyOf(prefixes), notes, disable);
    }
}
