package org.jinetd.daemon.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Who may connect: {@code no_access} refuses, then a non-empty {@code only_from} admits only
 * what it lists.
 */
public record Access(List<Cidr> onlyFrom, List<Cidr> noAccess) {
    public static final Access ANYONE = new Access(List.of(), List.of());

    public Access {
        onlyFrom = List.copyOf(onlyFrom);
        noAccess = List.copyOf(noAccess);
    }

    /** The key that refuses {@code peer}, or empty when it may connect. */
    public Optional<String> refusal(InetAddress peer) {
        if (noAccess.stream().anyMatch(c -> c.contains(peer))) {
            return Optional.of("no_access");
        }
        if (!onlyFrom.isEmpty() && onlyFrom.stream().noneMatch(c -> c.contains(peer))) {
            return Optional.of("only_from");
        }
        return Optional.empty();
    }
}
