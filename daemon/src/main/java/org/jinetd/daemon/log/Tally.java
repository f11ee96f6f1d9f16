package org.jinetd.daemon.log;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What each service has done since the daemon started, counted as the log is written:
 * connections ended, refusals by reason, failures, the last error. Kept by name across
 * reloads.
 */
public final class Tally {
    /** One service's counts. */
    public static final class Counts {
        private final LongAdder connections = new LongAdder();
        private final LongAdder failed = new LongAdder();
        private final LongAdder handshakes = new LongAdder();
        private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
        private volatile String lastError = "";

        public long connections() {
            return connections.sum();
        }

        public long failed() {
            return failed.sum();
        }

        /** TLS handshakes done (their failures are refusals, {@code tls_...}). */
        public long handshakes() {
            return handshakes.sum();
        }

        /** Refusals by reason, sorted by reason. */
        public Map<String, Long> refused() {
            var out = new TreeMap<String, Long>();
            refused.forEach((reason, n) -> out.put(reason, n.sum()));
            return out;
        }

        public String lastError() {
            return lastError;
        }
    }

    private final Map<String, Counts> byService = new ConcurrentHashMap<>();
    /** Connections ended and refused, all services together: it stands still only while nothing happens. */
    private final LongAdder events = new LongAdder();

    public long events() {
        return events.sum();
    }

    public Counts of(String service) {
        return byService.computeIfAbsent(service, k -> new Counts());
    }

    void ended(Ended ended) {
        events.increment();
        var counts = of(ended.service());
        counts.connections.increment();
        if (ended.tls().isPresent()) {
            counts.handshakes.increment();
        }
        var failure = ended.error().or(() -> ended.signal().map(s -> "killed by SIG" + s))
                .or(() -> ended.exit().isPresent() && ended.exit().getAsLong() != 0
                        ? java.util.Optional.of("exit " + ended.exit().getAsLong()) : java.util.Optional.empty());
        if (failure.isPresent() && ended.reason().isEmpty()) {
            counts.failed.increment();
            counts.lastError = failure.get();
        }
    }

    /** A datagram served by a handler, and the handler's error if it failed. */
    void datagram(String service, java.util.Optional<String> error) {
        events.increment();
        var counts = of(service);
        counts.connections.increment();
        error.ifPresent(e -> {
            counts.failed.increment();
            counts.lastError = e;
        });
    }

    /** {@code n} refusals of {@code service} for {@code reason}. */
    public void refused(String service, String reason, long n) {
        events.add(n);
        of(service).refused.computeIfAbsent(reason, k -> new LongAdder()).add(n);
    }

    /** Something went wrong for the service outside any one connection (a bind, an accept). */
    public void error(String service, String what) {
        of(service).lastError = what;
    }
}
