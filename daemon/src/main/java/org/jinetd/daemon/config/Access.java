package org.jinetd.daemon.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jinetd.daemon.os.Credentials;

/**
 * Who may connect: {@code no_access} refuses, then a non-empty {@code only_from} admits only
 * what it lists; on unix sockets {@code only_users} and {@code only_groups} admit only
 * clients of those uids and gids.
 */
public record Access(List<Cidr> onlyFrom, List<Cidr> noAccess, Set<Integer> onlyUsers, Set<Integer> onlyGroups) {
    public Access {
        onlyFrom = List.copyOf(onlyFrom);
        noAccess = List.copyOf(noAccess);
        onlyUsers = Set.copyOf(onlyUsers);
        onlyGroups = Set.copyOf(onlyGroups);
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

    /** The key that refuses a unix client, or empty when it may connect. Unknown credentials never pass a rule. */
    public Optional<String> refusal(Optional<Credentials> client) {
        if (!onlyUsers.isEmpty() && client.map(c -> !onlyUsers.contains(c.uid())).orElse(true)) {
            return Optional.of("only_users");
        }
        if (!onlyGroups.isEmpty() && client.map(c -> !onlyGroups.contains(c.gid())).orElse(true)) {
            return Optional.of("only_groups");
        }
        return Optional.empty();
    }

}
