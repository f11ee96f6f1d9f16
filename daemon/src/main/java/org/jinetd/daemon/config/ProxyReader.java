package org.jinetd.daemon.config;

import java.util.List;
import java.util.Optional;

/** Reads {@code proxy:} of a service, and the long form of {@code redirect:}. */
final class ProxyReader {
    static final List<String> KEYS = List.of("from", "version", "timeout");

    private final Fields fields;
    private final PolicyReader prefixes;

    ProxyReader(Fields fields, PolicyReader prefixes) {
        this.fields = fields;
        this.prefixes = prefixes;
    }

    /**
     * {@code proxy: {from: [CIDR...], version: 1 | 2 | any, timeout: 3s}}: empty where the
     * service has none, null where it is wrong (the problems said).
     */
    Optional<Proxy> read(Written at, Transport transport) {
        var entry = at.entry("proxy");
        if (entry == null || entry.value() instanceof Node.Scalar s && s.kind() == Node.Kind.NULL) {
            return Optional.empty();
        }
        if (transport != Transport.TCP) {
            fields.problem(entry.key().mark(), "proxy takes the PROXY protocol's header on TCP connections",
                    "protocol: tcp, or no 'proxy:'");
            return null;
        }
        var wait = at.entry("wait");
        if (at.entry("exec") != null && wait != null && wait.value() instanceof Node.Scalar w
                && w.text().strip().equals("true")) {
            fields.problem(entry.key().mark(), "proxy needs the daemon to read each connection's header; with "
                    + "'wait: true' the program accepts its own", "no 'proxy:' on a wait service");
            return null;
        }
        var mapping = fields.mapping(entry);
        if (mapping == null) {
            return null;
        }
        fields.rejectUnknown(mapping, KEYS, "key of proxy");
        var fromEntry = mapping.entries().get("from");
        if (fromEntry == null) {
            fields.problem(mapping.mark(), "proxy has no 'from'",
                    "the balancers' addresses, such as from: [10.0.0.0/8]: a header is believed only from them");
            return null;
        }
        var from = prefixes.prefixes(fromEntry);
        if (from.isPresent() && from.get().isEmpty()) {
            fields.problem(fromEntry.value().mark(), "proxy's 'from' is empty, so no connection could be taken",
                    "at least one balancer's address or prefix");
            return null;
        }
        var version = version(mapping.entries().get("version"));
        var timeout = fields.duration(mapping.entries().get("timeout"), Proxy.DEFAULT_TIMEOUT);
        if (from.isEmpty() || version == null) {
            return null;
        }
        if (timeout.isZero() || timeout.isNegative()) {
            fields.problem(mapping.entries().get("timeout").value().mark(), "proxy's timeout is zero",
                    "a duration such as 3s");
            return null;
        }
        return Optional.of(new Proxy(from.get(), version, timeout));
    }

    private Proxy.Version version(Node.Entry entry) {
        if (entry == null) {
            return Proxy.Version.ANY;
        }
        var text = fields.string(entry);
        if (text.isPresent()) {
            switch (text.get().strip()) {
                case "1" -> { return Proxy.Version.V1; }
                case "2" -> { return Proxy.Version.V2; }
                case "any" -> { return Proxy.Version.ANY; }
                default -> { }
            }
            fields.problem(entry.value().mark(), "proxy version '" + Node.token(text.get()) + "' is not known",
                    "1, 2 or any");
        }
        return null;
    }
}
