package org.jinetd.daemon.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Options of a service's sockets.
 *
 * @param backlog     the listen queue (the kernel caps it at net.core.somaxconn)
 * @param keepalive   SO_KEEPALIVE on accepted connections
 * @param nodelay     TCP_NODELAY on accepted connections
 * @param v6only      IPV6_V6ONLY: an IPv6 wildcard takes IPv6 clients only
 * @param reuseport   SO_REUSEPORT on the listening socket
 * @param deferAccept TCP_DEFER_ACCEPT of the listening socket, whole seconds (systemd's
 *                    DeferAcceptSec=): a connection is taken once its client has sent a byte, or
 *                    after about this long; zero takes it at the handshake. Empty where the
 *                    table does not say: off on a socket jinetd binds, and on a socket from
 *                    systemd what its unit set
 */
public record SocketOptions(int backlog, boolean keepalive, boolean nodelay, boolean v6only, boolean reuseport,
                            Optional<Duration> deferAccept) {
    public static final SocketOptions DEFAULT = new SocketOptions(1024, false, false, false, false, Optional.empty());

    /** How long a connection waits for its client's first byte on a socket jinetd binds: zero takes it at once. */
    public Duration deferred() {
        return deferAccept.orElse(Duration.ZERO);
    }

    /** The longest {@code defer_accept} taken: the kernel gives up on a silent client well before. */
    public static final Duration MOST_DEFERRED = Duration.ofHours(1);
}
