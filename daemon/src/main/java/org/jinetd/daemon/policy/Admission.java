package org.jinetd.daemon.policy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.jinetd.daemon.config.Access;
import org.jinetd.daemon.config.Limits;
import org.jinetd.daemon.log.Peers;

/**
 * Decides, per connection, whether a service takes it: access lists first, then its limits.
 * One per listener; it counts the service's live connections, in all and per source.
 */
public final class Admission {
    private final Object lock = new Object();
    private final Map<InetAddress, Integer> bySource = new HashMap<>();
    private int live;

    /** The outcome: a ticket to give back when the connection ends, or why not. */
    public sealed interface Verdict {
        record Admitted(Ticket ticket) implements Verdict {}

        record Refused(String reason) implements Verdict {}
    }

    /** A place taken; {@link #release} gives it back, once, however often it is called. */
    public final class Ticket {
        private final InetAddress source;
        private boolean released;

        private Ticket(InetAddress source) {
            this.source = source;
        }

        public void release() {
            synchronized (lock) {
                if (released) {
                    return;
                }
                released = true;
                live--;
                if (source != null) {
                    bySource.computeIfPresent(source, (k, n) -> n == 1 ? null : n - 1);
                }
            }
        }
    }

    /**
     * @param peer the client's address, or null where there is none (unix sockets)
     */
    public Verdict admit(InetAddress peer, Access access, Limits limits) {
        var source = peer == null ? null : Peers.plain(peer);
        if (source != null) {
            var refusal = access.refusal(source);
            if (refusal.isPresent()) {
                return new Verdict.Refused(refusal.get());
            }
        }
        synchronized (lock) {
            if (live >= limits.instances()) {
                return new Verdict.Refused("instances");
            }
            if (source != null && limits.perSource() != Limits.UNLIMITED
                    && bySource.getOrDefault(source, 0) >= limits.perSource()) {
                return new Verdict.Refused("per_source");
            }
            live++;
            if (source != null && limits.perSource() != Limits.UNLIMITED) {
                bySource.merge(source, 1, Integer::sum);
                return new Verdict.Admitted(new Ticket(source));
            }
            return new Verdict.Admitted(new Ticket(null));
        }
    }

    /** Live connections now. */
    public int live() {
        synchronized (lock) {
            return live;
        }
    }
}
