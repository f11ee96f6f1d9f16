package org.jinetd.daemon.config;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads {@code tls:}: where a stream service's certificates and keys are, and how its handshake goes. */
final class TlsReader {
    static final List<String> KEYS = List.of("certificate", "key", "protocols", "alpn", "sni", "client",
            "handshake_timeout");
    private static final List<String> IDENTITY = List.of("certificate", "key");
    private static final List<String> CLIENT = List.of("ca", "require");
    /** A host name of letters, digits and hyphens in labels, or {@code *.} and at least two labels. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final Fields fields;
    private final TlsMaterial material;

    TlsReader(Fields fields, Trust trust) {
        this.fields = fields;
        this.material = new TlsMaterial(fields, trust);
    }

    /**
     * The service's {@code tls:}, or none (not written, {@code tls: none}, or taken from defaults
     * where it cannot apply); null when it is wrong.
     *
     * @param launch what runs, if it could be read: a program that gets the socket itself
     *               cannot have TLS in front of it
     */
    Optional<Tls> tls(Written at, Transport transport, Optional<Launch> launch) {
        var entry = at.entry("tls");
        if (entry == null || entry.value() instanceof Node.Scalar s && s.text().equals("none")) {
            return Optional.empty();
        }
        String why = null;
        if (!transport.streams()) {
            why = "a UDP service has no stream to secure";
        } else if (launch.isPresent() && launch.get() instanceof Launch.Exec exec && (exec.waits() || exec.listenFds())) {
            why = "the program gets the socket itself (%s: true), and TLS cannot be put in front of it"
                    .formatted(exec.waits() ? "wait" : "listen_fds");
        }
        if (why != null) {
            // As for the keys only programs use: taken from defaults, it does not apply here.
            if (!at.writes("tls")) {
                return Optional.empty();
            }
            fields.problem(entry.key().mark(), "'tls' cannot apply: " + why, "no 'tls' on this service");
            return null;
        }
        var mapping = fields.mapping(entry);
        if (mapping == null) {
            return null;
        }
        fields.rejectUnknown(mapping, KEYS, "key of tls");
        var identity = identity(mapping, "'tls'");
        var sni = sni(mapping.entries().get("sni"));
        var protocols = protocols(mapping.entries().get("protocols"));
        var alpn = alpn(mapping.entries().get("alpn"));
        var client = client(mapping.entries().get("client"));
        var timeoutEntry = mapping.entries().get("handshake_timeout");
        var timeout = fields.duration(timeoutEntry, Tls.DEFAULT_HANDSHAKE_TIMEOUT);
        if (timeout.isZero()) {
            fields.problem(timeoutEntry.value().mark(), "'handshake_timeout' is 0", "a duration above 0, such as 10s");
            return null;
        }
        if (identity == null || sni == null || protocols == null || alpn == null || client == null) {
            return null;
        }
        return Optional.of(new Tls(identity, sni, protocols, alpn, client, timeout));
    }

    /** {@code certificate} and {@code key} of a mapping; null when either is missing or wrong. */
    private Tls.Identity identity(Node.Mapping mapping, String what) {
        var certificateEntry = mapping.entries().get("certificate");
        var keyEntry = mapping.entries().get("key");
        for (var name : IDENTITY) {
            if (mapping.entries().get(name) == null) {
                fields.problem(mapping.mark(), what + " has no " + name, "{certificate: FILE, key: FILE}");
            }
        }
        if (certificateEntry == null || keyEntry == null) {
            return null;
        }
        var chain = material.certificates(certificateEntry, TlsMaterial.CHAIN_MAX);
        var key = material.key(keyEntry);
        if (chain == null || key == null) {
            return null;
        }
        // Both were read: both are paths.
        var certificateFile = fields.path(certificateEntry).orElseThrow();
        var keyFile = fields.path(keyEntry).orElseThrow();
        if (!TlsMaterial.matches(key, chain.getFirst())) {
            fields.problem(keyEntry.value().mark(), "key '%s' does not match the certificate '%s' (%s key, first certificate's: %s)"
                    .formatted(keyFile, certificateFile, key.getAlgorithm(), chain.getFirst().getPublicKey().getAlgorithm()),
                    "the private key of the first certificate of the file");
            return null;
        }
        return new Tls.Identity(certificateFile, keyFile, chain, key);
    }

    /** {@code sni: {NAME: {certificate, key}}}; empty when not written, null when wrong. */
    private LinkedHashMap<String, Tls.Identity> sni(Node.Entry entry) {
        var out = new LinkedHashMap<String, Tls.Identity>();
        if (entry == null) {
            return out;
        }
        var mapping = fields.mapping(entry);
        if (mapping == null) {
            return null;
        }
        boolean ok = true;
        for (var named : mapping.entries().values()) {
            var name = named.key().name().toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            if (!hostName(name)) {
                var shown = named.key().name().matches("[A-Za-z0-9_.*-]{1,253}") ? "'" + named.key().name() + "'"
                        : Node.key(named.key().name());
                fields.problem(named.key().mark(), "sni name " + shown + " is no host name",
                        "a host name such as www.example.org, or *.example.org for any one label in front of it");
                ok = false;
                continue;
            }
            if (out.containsKey(name)) {
                fields.problem(named.key().mark(), "sni name '" + name + "' is written twice", "each name once");
                ok = false;
                continue;
            }
            var inner = fields.mapping(named);
            if (inner == null) {
                ok = false;
                continue;
            }
            fields.rejectUnknown(inner, IDENTITY, "key of an sni name");
            var identity = identity(inner, "sni name '" + name + "'");
            if (identity == null) {
                ok = false;
            } else {
                out.put(name, identity);
            }
        }
        return ok ? out : null;
    }

    /** Letters, digits, hyphens; a wildcard stands for exactly one label in front of two or more. */
    static boolean hostName(String name) {
        if (name.length() > 253) {
            return false;
        }
        var labels = name.split("\\.", -1);
        int first = labels[0].equals("*") ? 1 : 0;
        if (first == 1 && labels.length < 3) {
            return false;
        }
        for (int i = first; i < labels.length; i++) {
            if (!LABEL.matcher(labels[i]).matches()) {
                return false;
            }
        }
        return true;
    }

    private List<String> protocols(Node.Entry entry) {
        if (entry == null) {
            return Tls.PROTOCOLS;
        }
        var items = fields.strings(entry);
        if (items.isEmpty()) {
            return null;
        }
        var out = new LinkedHashSet<String>();
        boolean ok = true;
        for (var item : items.get()) {
            var known = Tls.PROTOCOLS.stream().filter(p -> p.equalsIgnoreCase(item.text().strip())).findFirst();
            if (known.isEmpty()) {
                fields.problem(item.mark(), "protocol '" + Node.token(item.text()) + "' is not allowed",
                        "TLSv1.3 or TLSv1.2 (older ones are broken)");
                ok = false;
            } else {
                out.add(known.get());
            }
        }
        if (ok && out.isEmpty()) {
            fields.problem(entry.value().mark(), "'protocols' is empty", "TLSv1.3, TLSv1.2 or both");
            return null;
        }
        return ok ? List.copyOf(out) : null;
    }

    /** ALPN names (RFC 7301): 1 to 255 bytes; visible ASCII here, as every registered one is. */
    private List<String> alpn(Node.Entry entry) {
        if (entry == null) {
            return List.of();
        }
        var items = fields.strings(entry);
        if (items.isEmpty()) {
            return null;
        }
        var out = new ArrayList<String>();
        boolean ok = true;
        for (var item : items.get()) {
            var name = item.text();
            var bytes = name.getBytes(StandardCharsets.UTF_8);
            boolean visible = name.chars().allMatch(c -> c > 0x20 && c < 0x7f);
            if (bytes.length == 0 || bytes.length > 255 || !visible) {
                fields.problem(item.mark(), "alpn name '" + Node.token(name) + "' is not 1 to 255 visible ASCII characters",
                        "a protocol name such as h2, http/1.1 or imap");
                ok = false;
            } else if (out.contains(name)) {
                fields.problem(item.mark(), "alpn name '" + name + "' is written twice", "each name once");
                ok = false;
            } else {
                out.add(name);
            }
        }
        return ok ? out : null;
    }

    /** {@code client: {ca: FILE, require: true}}; empty when not written, null when wrong. */
    private Optional<Tls.ClientCheck> client(Node.Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        var mapping = fields.mapping(entry);
        if (mapping == null) {
            return null;
        }
        fields.rejectUnknown(mapping, CLIENT, "key of client");
        var caEntry = mapping.entries().get("ca");
        var require = fields.bool(mapping.entries().get("require"), true);
        if (caEntry == null) {
            fields.problem(mapping.mark(), "'client' has no ca", "{ca: FILE of the authorities a client's certificate comes from}");
            return null;
        }
        List<X509Certificate> authorities = material.certificates(caEntry, 0);
        if (authorities == null) {
            return null;
        }
        return Optional.of(new Tls.ClientCheck(fields.path(caEntry).orElseThrow(), authorities, require));
    }
}
