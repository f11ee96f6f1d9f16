package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads who may connect and how much: access lists, limits, rates, timeouts, banners. */
final class PolicyReader {
    /** Keys that need jinetd to see each client; a program in wait mode accepts by itself. */
    private static final List<String> PER_CLIENT = List.of("only_from", "no_access", "per_source", "rate_per_source",
            "banner", "banner_fail", "timeout_idle");

    private final Fields fields;
    private final Accounts accounts;
    private final Trust trust;

    PolicyReader(Fields fields, Accounts accounts, Trust trust) {
        this.fields = fields;
        this.accounts = accounts;
        this.trust = trust;
    }

    Optional<Access> access(Written at, Transport transport) {
        var onlyFrom = prefixes(at.entry("only_from"));
        var noAccess = prefixes(at.entry("no_access"));
        var onlyUsers = ids(at.entry("only_users"), true);
        var onlyGroups = ids(at.entry("only_groups"), false);
        if (transport != Transport.UNIX) {
            for (var key : List.of("only_users", "only_groups")) {
                if (at.writes(key)) {
                    fields.problem(at.entry(key).key().mark(), "'" + key + "' applies to protocol unix only",
                            "only_from and no_access for " + transport.key());
                }
            }
        }
        if (onlyUsers == null || onlyGroups == null) {
            return Optional.empty();
        }
        return onlyFrom.flatMap(o -> noAccess.map(n -> new Access(o, n, onlyUsers, onlyGroups)));
    }

    Optional<List<Cidr>> prefixes(Node.Entry entry) {
        if (entry == null) {
            return Optional.of(List.of());
        }
        var items = fields.strings(entry);
        if (items.isEmpty()) {
            return Optional.empty();
        }
        var out = new ArrayList<Cidr>();
        boolean ok = true;
        for (var item : items.get()) {
            var parsed = Cidr.parse(item.text().strip());
            if (parsed.error() != null) {
                fields.problem(item.mark(), parsed.error(), "an address or prefix such as 192.0.2.0/24 or 2001:db8::/32");
                ok = false;
            } else {
                out.add(parsed.cidr());
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    Optional<Limits> limits(Written at) {
        var d = Limits.DEFAULT;
        var instances = at.entry("instances") == null ? Optional.of(d.instances())
                : fields.integer(at.entry("instances"), 1, 1_000_000, Limits.UNLIMITED);
        var perSource = at.entry("per_source") == null ? Optional.of(d.perSource())
                : fields.integer(at.entry("per_source"), 1, 1_000_000, Limits.UNLIMITED);
        var ipv4 = at.entry("per_source_ipv4_prefix") == null ? Optional.of(d.ipv4Prefix())
                : fields.integer(at.entry("per_source_ipv4_prefix"), 0, 32, null);
        var ipv6 = at.entry("per_source_ipv6_prefix") == null ? Optional.of(d.ipv6Prefix())
                : fields.integer(at.entry("per_source_ipv6_prefix"), 0, 128, null);
        if (instances.isEmpty() || perSource.isEmpty() || ipv4.isEmpty() || ipv6.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Limits(instances.get(), perSource.get(), ipv4.get(), ipv6.get()));
    }

    /**
     * A program in wait mode accepts its clients itself: jinetd never sees them, so rules
     * about clients cannot hold (an empty value written on the service lifts one from defaults).
     */
    boolean perClient(Written at, Service service) {
        boolean ok = true;
        for (var key : PER_CLIENT) {
            boolean set = switch (key) {
                case "only_from" -> !service.access().onlyFrom().isEmpty();
                case "no_access" -> !service.access().noAccess().isEmpty();
                case "per_source" -> service.limits().perSource() != Limits.UNLIMITED;
                case "rate_per_source" -> service.rates().perSource().isPresent();
                case "banner" -> service.banners().banner().isPresent();
                case "banner_fail" -> service.banners().fail().isPresent();
                default -> service.timeouts().idle().isPresent();
            };
            if (set) {
                fields.problem(at.entry(key).key().mark(), "'" + key + "' cannot apply with wait: true: the program "
                        + "accepts its clients itself and jinetd never sees them", "no '" + key + "' on a wait service");
                ok = false;
            }
        }
        return ok;
    }

    /** @param answers whether the service answers datagrams in the JVM (a UDP handler) */
    Optional<Rates> rates(Written at, boolean answers) {
        var service = rate(at.entry("rate"));
        var perSource = rate(at.entry("rate_per_source"));
        if (answers && at.entry("rate_per_source") == null) {
            perSource = Optional.of(Rates.DATAGRAM_PER_SOURCE);
        }
        var wait = fields.duration(at.entry("rate_wait"), Rates.DEFAULT_WAIT);
        if (service == null || perSource == null) {
            return Optional.empty();
        }
        return Optional.of(new Rates(service, perSource, wait));
    }

    /** {@code {per_second: N, burst: M}}; null when it is wrong (a problem says why). */
    private Optional<Rate> rate(Node.Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        var mapping = fields.mapping(entry);
        if (mapping == null) {
            return null;
        }
        fields.rejectUnknown(mapping, List.of("per_second", "burst"), "key of a rate");
        var perSecond = mapping.entries().get("per_second");
        if (perSecond == null) {
            fields.problem(entry.value().mark(), "'" + entry.key().name() + "' has no per_second",
                    "{per_second: N, burst: M}");
            return null;
        }
        double rate;
        try {
            rate = Double.parseDouble(((Node.Scalar) perSecond.value()).text());
        } catch (ClassCastException | NumberFormatException e) {
            rate = -1;
        }
        if (!(rate > 0) || rate > 1_000_000) {
            fields.problem(perSecond.value().mark(), "per_second is " + Node.describe(perSecond.value()),
                    "a number above 0, such as 20 or 0.5");
            return null;
        }
        var burst = mapping.entries().get("burst") == null ? Optional.of((int) Math.max(1, Math.ceil(rate)))
                : fields.integer(mapping.entries().get("burst"), 1, 1_000_000, null);
        if (burst.isEmpty()) {
            return null;
        }
        return Optional.of(new Rate(rate, burst.get()));
    }

    Optional<Timeouts> timeouts(Written at) {
        var idle = optionalDuration(at.entry("timeout_idle"));
        var max = optionalDuration(at.entry("timeout_max"));
        var grace = fields.duration(at.entry("kill_grace"), Timeouts.DEFAULT_KILL_GRACE);
        var connect = fields.duration(at.entry("connect_timeout"), Timeouts.DEFAULT_CONNECT);
        if (idle == null || max == null) {
            return Optional.empty();
        }
        return Optional.of(new Timeouts(idle, max, grace, connect));
    }

    /** A duration, or none ({@code 0} or {@code none}); null when it is wrong. */
    private Optional<Duration> optionalDuration(Node.Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.value() instanceof Node.Scalar s && s.text().equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        var parsed = fields.duration(entry, null);
        if (parsed == null) {
            return null;
        }
        return parsed.isZero() ? Optional.empty() : Optional.of(parsed);
    }

    Optional<Banners> banners(Written at) {
        var banner = text(at.entry("banner"));
        var fail = text(at.entry("banner_fail"));
        if (banner == null || fail == null) {
            return Optional.empty();
        }
        return Optional.of(new Banners(banner, fail));
    }

    /** Inline text, or {@code {file: PATH}} read now; null when it is wrong. */
    private Optional<String> text(Node.Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.value() instanceof Node.Scalar s && s.kind() == Node.Kind.STRING) {
            return Optional.of(s.text());
        }
        if (entry.value() instanceof Node.Mapping m && m.entries().size() == 1 && m.entries().containsKey("file")) {
            return file(m.entries().get("file"));
        }
        fields.problem(entry.value().mark(), "'" + entry.key().name() + "' is " + Node.describe(entry.value()),
                "text, or {file: /path/to/text}");
        return null;
    }

    /** A banner file: trusted, regular, at most 64 KiB of UTF-8; null when it is not. */
    private Optional<String> file(Node.Entry entry) {
        var path = fields.path(entry);
        if (path.isEmpty()) {
            return null;
        }
        var mark = entry.value().mark();
        if (!Files.exists(path.get())) {
            fields.problem(mark, "cannot read '" + path.get() + "': no such file", "a readable UTF-8 file");
            return null;
        }
        var refusal = trust.refusal(path.get());
        if (refusal.isPresent()) {
            fields.problem(mark, "banner file '" + path.get() + "' " + refusal.get().what(), refusal.get().expected());
            return null;
        }
        try {
            var bytes = SmallFile.read(path.get(), SmallFile.BANNER_CAP);
            return Optional.of(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            fields.problem(mark, "cannot read '" + path.get() + "': not UTF-8", "a readable UTF-8 file");
            return null;
        } catch (IOException e) {
            fields.problem(mark, "cannot read '" + path.get() + "': " + Unreadable.reason(e),
                    "a readable regular UTF-8 file of at most 64 KiB");
            return null;
        }
    }

    private Set<Integer> ids(Node.Entry entry, boolean users) {
        var out = new HashSet<Integer>();
        if (entry == null) {
            return out;
        }
        var items = fields.strings(entry);
        if (items.isEmpty()) {
            return null;
        }
        boolean ok = true;
        for (var item : items.get()) {
            var text = item.text().strip();
            Optional<Integer> id = text.chars().allMatch(Character::isDigit) && !text.isEmpty()
                    ? Optional.of(Integer.parseInt(text))
                    : users ? accounts.user(text).map(Accounts.User::uid) : accounts.group(text).map(Accounts.Group::gid);
            if (id.isEmpty()) {
                fields.problem(item.mark(), (users ? "user '" : "group '") + Node.token(text) + "' does not exist",
                        (users ? "a user name or uid" : "a group name or gid")
                        + Fields.didYouMean(text, users ? accounts.userNames() : accounts.groupNames()));
                ok = false;
            } else {
                out.add(id.get());
            }
        }
        return ok ? out : null;
    }
}
