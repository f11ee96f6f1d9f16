package org.jinetd.daemon.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code proxy:}: the listener takes connections from load balancers that send the PROXY
 * protocol's header first, naming the real client. The header is required, and believed only
 * from {@code from}; a connection from anywhere else is refused before a byte of it is read.
 *
 * @param from    the balancers' addresses and prefixes
 * @param version which of the protocol's versions a header may be
 * @param timeout how long a balancer has to send the whole header
 */
public record Proxy(List<Cidr> from, Version version, Duration timeout) {
    /** A balancer sends its header with the connection: this is ample even across a WAN. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    public Proxy {
        from = List.copyOf(from);
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** {@code version:} of {@code proxy:}. */
    public enum Version {
        V1, V2, ANY;

        public String key() {
            return this == ANY ? "any" : name().substring(1);
        }
    }

    /** Whether a connection from {@code address} may send a header (is a balancer of the table's). */
    public boolean trusts(InetAddress address) {
        return from.stream().anyMatch(cidr -> cidr.contains(address));
    }
}
