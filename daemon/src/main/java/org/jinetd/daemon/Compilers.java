package org.jinetd.daemon;

import java.util.List;
import java.util.Optional;
import org.jinetd.daemon.config.ServiceTable;
import org.jinetd.daemon.os.Arguments;

/**
 * Whether this JVM compiles with C2, which JSSE's handshakes need (its intrinsics): the
 * launcher gives both compilers to a table that names {@code tls:} when the daemon starts,
 * and a table that gains TLS by a reload, or flags that say otherwise, get a warning.
 */
final class Compilers {
    private Compilers() {}

    /** The warning a table with TLS services gets from a JVM that compiles with C1 alone, if it does. */
    static Optional<String> forTls(ServiceTable table) {
        var tls = table.enabled().stream().filter(s -> s.tls().isPresent()).map(s -> s.name()).toList();
        if (tls.isEmpty() || !quickOnly(Arguments.ofThisProcess().orElse(List.of()))) {
            return Optional.empty();
        }
        return Optional.of(("TLS on %s runs its handshakes under the quick compiler alone (-XX:TieredStopAtLevel "
                + "below 4), which take several times the CPU they take with C2: restart jinetd, whose launcher gives "
                + "both compilers to a table that names tls:, or set JINETD_JAVA_OPTS=-XX:TieredStopAtLevel=4")
                .formatted(String.join(", ", tls)));
    }

    /**
     * Whether the JVM's arguments leave it the quick compiler alone: the last
     * {@code -XX:TieredStopAtLevel} below 4 with tiered compilation on (without it, C2
     * compiles alone and that flag means nothing).
     */
    static boolean quickOnly(List<String> arguments) {
        boolean tiered = true;
        int level = 4;
        for (var argument : arguments) {
            if (argument.equals("-XX:-TieredCompilation")) {
                tiered = false;
            } else if (argument.equals("-XX:+TieredCompilation")) {
                tiered = true;
            } else if (argument.startsWith("-XX:TieredStopAtLevel=")) {
                try {
                    level = Integer.parseInt(argument.substring("-XX:TieredStopAtLevel=".length()));
                } catch (NumberFormatException e) {
                    // The JVM would not have started with it.
                }
            }
        }
        return tiered && level < 4;
    }
}
