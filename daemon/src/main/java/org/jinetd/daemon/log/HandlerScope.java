package org.jinetd.daemon.log;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Whom a handler is serving while its code runs: bound around each call of a handler (on the
 * connection's virtual thread, or the listener's thread for a reply), so that what it logs
 * through {@link System.Logger} reaches that daemon's log with the service and the client,
 * and is throttled with that service's other lines (see {@link SystemLoggers}).
 *
 * @param log     the log of the daemon serving it
 * @param service the service's name
 * @param peer    the client
 */
public record HandlerScope(ConnectionLog log, String service, SocketAddress peer) {
    private static final ScopedValue<HandlerScope> CURRENT = ScopedValue.newInstance();

    public HandlerScope {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(service, "service");
    }

    /** Runs {@code op} with this scope bound: what it logs is this connection's. */
    public <T, X extends Throwable> T call(ScopedValue.CallableOp<T, X> op) throws X {
        return ScopedValue.where(CURRENT, this).call(op);
    }

    /** The scope of the handler running on this thread now, if one is. */
    static Optional<HandlerScope> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }
}
