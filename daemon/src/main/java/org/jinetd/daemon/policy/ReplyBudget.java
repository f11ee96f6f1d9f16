package org.jinetd.daemon.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jinetd.daemon.log.ConnectionLog;

/**
 * The bytes a second that the datagram handlers of the daemon may send in all
 * ({@code datagram_reply_rate}): however many sources a flood of forged datagrams comes
 * "from", and whatever each service's per-source rate, what they make the daemon send
 * elsewhere stays within it. A reply over it is dropped and counted, in an episode of its
 * service's.
 */
public final class ReplyBudget {
    private final ConnectionLog log;
    private final Map<String, Episode> episodes = new ConcurrentHashMap<>();
    // Guarded by this.
    private long perSecond;
    private double bytes;
    private long updated = System.nanoTime();

    /** @param perSecond bytes a second, -1 for no bound */
    public ReplyBudget(long perSecond, ConnectionLog log) {
        this.log = log;
        this.perSecond = perSecond;
        this.bytes = perSecond;
    }

    /** A reload's new {@code datagram_reply_rate}. */
    public synchronized void limit(long next) {
        perSecond = next;
        bytes = Math.min(bytes, next);
    }

    /**
     * Whether a reply of {@code length} bytes of the datagram handler of {@code service} may be
     * sent now; when not, it is counted as refused ({@code refused=datagram_reply_rate}).
     */
    public boolean take(String service, String label, int length) {
        long now = System.nanoTime();
        synchronized (this) {
            if (perSecond < 0) {
                return true;
            }
            // At most a second's worth saved: a burst is a second of the rate.
            bytes = Math.min(perSecond, bytes + (now - updated) * (perSecond / 1e9));
            updated = now;
            if (bytes >= length) {
                bytes -= length;
                return true;
            }
        }
        episodes.computeIfAbsent(service, name -> new Episode(name, label,
                "datagram_reply_rate reached; replies dropped", "datagram_reply_rate", log)).refused(now);
        return false;
    }
}
