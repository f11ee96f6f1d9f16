package org.jinetd.daemon.config;

import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads one service: its keys over those of {@code defaults:}, into a {@link Service}, or problems. */
final class ServiceReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Fields fields;
    private final EndpointReader endpoints;
    private final LaunchReader launches;
    private final PolicyReader policies;
    private final ProxyReader proxies;
    private final TlsReader tls;

    ServiceReader(Fields fields, Providers providers, Accounts accounts, PortNames ports, int selfUid, Trust trust) {
        this.fields = fields;
        this.endpoints = new EndpointReader(fields, accounts, ports, trust);
        this.launches = new LaunchReader(fields, providers, accounts, selfUid);
        this.policies = new PolicyReader(fields, accounts, trust);
        this.proxies = new ProxyReader(fields, policies);
        this.tls = new TlsReader(fields, trust);
    }

    /**
     * @param key    the service's name as written
     * @param own    what is written under the name (its own keys)
     * @param merged its own keys over those of {@code defaults:}
     */
    Optional<Service> read(Node.Key key, Node own, Map<String, Node.Entry> merged) {
        try {
            return service(key, own, merged);
        } catch (Accounts.NoAnswer e) {
            fields.problem(key.mark(), "service '" + key.name() + "': " + e.getMessage(),
                    "a name service (NSS: LDAP, sssd) that answers, or the account in /etc/passwd or /etc/group");
            return Optional.empty();
        }
    }

    private Optional<Service> service(Node.Key key, Node own, Map<String, Node.Entry> merged) {
        var name = key.name();
        if (!NAME.matcher(name).matches()) {
            fields.problem(key.mark(), "service name '" + Node.token(name) + "' has characters other than letters, digits, '.', '_', '-'",
                    "a name such as 'echo' or 'git-daemon'");
        }
        var ownKeys = new ArrayList<String>();
        switch (own) {
            case Node.Mapping m -> {
                fields.rejectUnknown(m, Keys.SERVICE, "service key");
                ownKeys.addAll(m.entries().keySet());
            }
            case Node.Scalar s when s.kind() == Node.Kind.NULL -> { }
            default -> {
                fields.problem(own.mark(), "service '" + Node.token(name) + "' is " + Node.describe(own), "a map of its keys");
                return Optional.empty();
            }
        }
        var at = new Written(key, merged, ownKeys);
        var written = endpoints.transport(at);
        // A protocol that is not known still leaves the rest to check: every mistake at once. A
        // path says unix was meant.
        var transport = written.or(() -> Optional.of(at.entry("path") != null ? Transport.UNIX : Transport.TCP));
        var endpoint = endpoints.endpoint(at, transport.get());
        var socket = endpoints.socket(at, transport.get());
        var launch = launches.launch(at, transport.get());
        var access = policies.access(at, transport.get());
        var limits = policies.limits(at);
        var rates = policies.rates(at, launch.isPresent() && launch.get() instanceof Launch.Datagrams);
        var timeouts = policies.timeouts(at);
        var banners = policies.banners(at);
        var secured = tls.tls(at, transport.get(), launch);
        var disabled = fields.bool(at.entry("disabled"), false);
        var proxy = proxies.read(at, transport.get());
        if (written.isEmpty() || endpoint.isEmpty() || socket.isEmpty() || launch.isEmpty() || access.isEmpty() || limits.isEmpty()
                || rates.isEmpty() || timeouts.isEmpty() || banners.isEmpty() || proxy == null || secured == null) {
            return Optional.empty();
        }
        var service = new Service(name, endpoint.get(), socket.get(), launch.get(), access.get(), limits.get(),
                rates.get(), timeouts.get(), banners.get(), proxy, secured, disabled);
        if (launch.get() instanceof Launch.Exec exec && exec.waits() && !policies.perClient(at, service)) {
            return Optional.empty();
        }
        return Optional.of(service);
    }
}
