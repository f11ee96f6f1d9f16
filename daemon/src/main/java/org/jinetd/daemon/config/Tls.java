package org.jinetd.daemon.config;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * {@code tls:}: the daemon ends TLS itself for a stream service, as stunnel would in front of
 * it. Its certificates and keys are read with the table, at every start, check and reload.
 *
 * @param identity         the certificate chain and key served when no {@code sni} name fits
 * @param sni              host names (exact, or {@code *.example.org} for one label more) and
 *                         what is served to a client that asks for them; lower case, in table order
 * @param protocols        TLSv1.3 and/or TLSv1.2, nothing older
 * @param alpn             protocol names, the server's preference first; empty for no ALPN
 * @param client           the check of a client's certificate, if any
 * @param handshakeTimeout how long a client has to end its handshake
 */
public record Tls(Identity identity, Map<String, Identity> sni, List<String> protocols, List<String> alpn,
                  Optional<ClientCheck> client, Duration handshakeTimeout) {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** A certificate this close to its end gets a warning at check, start and reload. */
    static final Duration SOON = Duration.ofDays(30);

    public Tls {
        Objects.requireNonNull(identity, "identity");
        sni = Collections.unmodifiableMap(new LinkedHashMap<>(sni));
        protocols = List.copyOf(protocols);
        alpn = List.copyOf(alpn);
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (protocols.isEmpty() || !PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("protocols " + protocols);
        }
    }

    /**
     * What is served to a client that asked for {@code host} (none: the client named no host):
     * the identity of that exact name, else of its wildcard, else the default.
     */
    public Identity pick(Optional<String> host) {
        if (host.isEmpty()) {
            return identity;
        }
        var name = host.get().toLowerCase(Locale.ROOT);
        var exact = sni.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        return dot > 0 ? sni.getOrDefault("*" + name.substring(dot), identity) : identity;
    }

    /**
     * A certificate chain (leaf first) and its private key, with the files they came from.
     * Never shown with its key: {@link #toString} names the files only.
     */
    public record Identity(Path certificateFile, Path keyFile, List<X509Certificate> chain, PrivateKey key) {
        public Identity {
            Objects.requireNonNull(certificateFile, "certificateFile");
            Objects.requireNonNull(keyFile, "keyFile");
            chain = List.copyOf(chain);
            Objects.requireNonNull(key, "key");
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no certificate");
            }
        }

        public X509Certificate leaf() {
            return chain.getFirst();
        }

        /** The leaf's DNS names (subjectAltName), or its CN where it has none, lower case. */
        public List<String> names() {
            return Tls.names(leaf());
        }

        /** Does the leaf name {@code host} (exactly, or by a wildcard of one label)? */
        public boolean covers(String host) {
            var wanted = host.toLowerCase(Locale.ROOT);
            for (var name : names()) {
                if (name.equals(wanted) || name.startsWith("*.") && wanted.indexOf('.') > 0
                        && wanted.substring(wanted.indexOf('.')).equals(name.substring(1))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "Identity[" + certificateFile + ", " + keyFile + "]";
        }
    }

    /**
     * {@code client:}: the client's certificate is checked against these authorities.
     *
     * @param caFile      where they were read from
     * @param authorities the certificates a client's chain must lead to
     * @param require     a client without a certificate is refused; otherwise one may come without
     */
    public record ClientCheck(Path caFile, List<X509Certificate> authorities, boolean require) {
        public ClientCheck {
            Objects.requireNonNull(caFile, "caFile");
            authorities = List.copyOf(authorities);
        }
    }

    /**
     * One line for each certificate served, for {@code check}: which, for what name, its
     * subject, its names and its end. {@code sni *.example.org: /etc/ssl/wild.pem: CN=...}
     */
    public List<String> facts() {
        var out = new ArrayList<String>();
        out.add(fact("", identity));
        sni.forEach((name, id) -> out.add(fact("sni " + name + ": ", id)));
        client.ifPresent(c -> out.add("client certificates from %s (%d authorit%s), %s".formatted(c.caFile(),
                c.authorities().size(), c.authorities().size() == 1 ? "y" : "ies", c.require() ? "required" : "optional")));
        return out;
    }

    private static String fact(String label, Identity id) {
        var leaf = id.leaf();
        return "%scertificate %s: %s; names %s; expires %s".formatted(label, id.certificateFile(),
                leaf.getSubjectX500Principal().getName(X500Principal.RFC2253),
                id.names().isEmpty() ? "none" : String.join(", ", id.names()),
                leaf.getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * What an admin should hear about before clients do, at {@code now}: a certificate that has
     * expired (still served, as stunnel serves it: clients will refuse it), that expires within
     * 30 days or is not valid yet, a chain out of order, an {@code sni} name its certificate does
     * not name.
     */
    public List<String> warnings(Instant now) {
        var out = new ArrayList<String>();
        warn(out, "", identity, now);
        sni.forEach((name, id) -> {
            warn(out, "sni " + name + ": ", id, now);
            if (!id.covers(name.startsWith("*.") ? "x" + name.substring(1) : name) && !id.names().contains(name)) {
                out.add("sni %s: certificate %s does not name %s (its names: %s); clients will refuse it".formatted(
                        name, id.certificateFile(), name, id.names().isEmpty() ? "none" : String.join(", ", id.names())));
            }
        });
        return out;
    }

    private static void warn(List<String> out, String label, Identity id, Instant now) {
        keyGroup(id.keyFile()).ifPresent(group -> out.add(("%skey %s is readable by the group %s: each of its members "
                + "can read the private key (give it to ssl-cert or root's group, or chmod g-r)")
                .formatted(label, id.keyFile(), group)));
        var chain = id.chain();
        for (int i = 0; i < chain.size(); i++) {
            var cert = chain.get(i);
            var which = label + "certificate " + id.certificateFile()
                    + (i == 0 ? "" : " (#%d, %s)".formatted(i + 1, cert.getSubjectX500Principal().getName(X500Principal.RFC2253)));
            var end = cert.getNotAfter().toInstant();
            var start = cert.getNotBefore().toInstant();
            if (!end.isAfter(now)) {
                out.add("%s expired on %s; it is still served, and clients will refuse it".formatted(which, day(end)));
            } else if (end.isBefore(now.plus(SOON))) {
                out.add("%s expires in %d days, on %s".formatted(which, Duration.between(now, end).toDays(), day(end)));
            }
            if (start.isAfter(now)) {
                out.add("%s is not valid before %s; clients will refuse it until then".formatted(which, day(start)));
            }
            if (i > 0 && !chain.get(i - 1).getIssuerX500Principal().equals(cert.getSubjectX500Principal())) {
                out.add("%s did not issue the certificate before it; a chain goes leaf first, then each issuer"
                        .formatted(which));
            }
        }
    }

    /**
     * The group that reads a private key, where it is one to mention: not root's, not Debian's
     * ssl-cert (made to read /etc/ssl/private), not the owner's own (a user's private group).
     * A key that others read is refused outright when the table is read.
     */
    static Optional<String> keyGroup(Path key) {
        try {
            var attributes = java.nio.file.Files.readAttributes(key, java.nio.file.attribute.PosixFileAttributes.class);
            var group = attributes.group().getName();
            if (!attributes.permissions().contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || group.equals("root") || group.equals("ssl-cert") || group.equals(attributes.owner().getName())) {
                return Optional.empty();
            }
            return Optional.of(group);
        } catch (java.io.IOException | RuntimeException e) {
            // Read a moment ago; gone now: the next reload says so.
            return Optional.empty();
        }
    }

    private static String day(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A certificate's DNS names, or its CN where it has none, lower case. */
    static List<String> names(X509Certificate cert) {
        var out = new ArrayList<String>();
        try {
            var alternatives = cert.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (var entry : alternatives) {
                    if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0)) && entry.get(1) instanceof String dns) {
                        out.add(dns.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A certificate whose names cannot be read names nothing; check says "names none".
        }
        if (out.isEmpty()) {
            commonName(cert).ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    /** The most specific CN of {@code cert}'s subject (the last in its order), in lower case. */
    private static Optional<String> commonName(X509Certificate cert) {
        var names = subjectCommonNames(cert);
        return names.isEmpty() ? Optional.empty() : Optional.of(names.getLast().toLowerCase(Locale.ROOT));
    }

    /**
     * The CNs of {@code cert}'s subject that are text, in the certificate's order (the first is
     * the one OpenSSL finds first); one held as bytes (an OCTET STRING) is no name.
     */
    public static List<String> subjectCommonNames(X509Certificate cert) {
        try {
            var ldap = new javax.naming.ldap.LdapName(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
            return ldap.getRdns().stream().filter(r -> r.getType().equalsIgnoreCase("CN"))
                    .map(javax.naming.ldap.Rdn::getValue).filter(v -> v instanceof String).map(v -> (String) v).toList();
        } catch (javax.naming.InvalidNameException e) {
            return List.of();
        }
    }
}
