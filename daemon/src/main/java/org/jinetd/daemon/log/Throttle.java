package org.jinetd.daemon.log;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * At most so many lines a second of each kind (a service's refusals for one reason, a
 * service's handler lines): the rest of that second are counted, not written, and their
 * count is written once, with the first line of a later second or when the second is over.
 * Nothing is queued, so a flood costs neither memory nor more than its count. Kinds are
 * bounded by the caller (the services of a table, a few reasons).
 */
final class Throttle {
    private final int perSecond;
    /** Writes the count of a kind's lines not written: (kind, count). */
    private final BiConsumer<String, Long> unlogged;
    /** Per kind: {second, lines this second, lines not written this second}. */
    private final Map<String, long[]> windows = new HashMap<>();

    Throttle(int perSecond, BiConsumer<String, Long> unlogged) {
        this.perSecond = perSecond;
        this.unlogged = unlogged;
    }

    /** Whether a line of {@code kind} may be written now; if not, it has been counted. */
    boolean admit(String kind) {
        long before;
        synchronized (windows) {
            var window = windows.computeIfAbsent(kind, k -> new long[3]);
            long second = System.nanoTime() / 1_000_000_000L;
            before = 0;
            if (window[0] != second) {
                before = window[2];
                window[0] = second;
                window[1] = 0;
                window[2] = 0;
            }
            if (++window[1] > perSecond) {
                if (window[2]++ == 0) {
                    // If this second's flood is also the last, its count still gets its line.
                    long at = second;
                    Thread.ofVirtual().name("flood-" + kind).start(() -> flushAfter(kind, window, at));
                }
                return false;
            }
        }
        if (before > 0) {
            unlogged.accept(kind, before);
        }
        return true;
    }

    /** Waits out {@code second}, then writes its count unless a line of the next second already has. */
    private void flushAfter(String kind, long[] window, long second) {
        long wait = (second + 1) * 1_000_000_000L - System.nanoTime();
        try {
            Thread.sleep(Duration.ofNanos(Math.max(wait, 0) + 1_000_000));
        } catch (InterruptedException e) {
            return;
        }
        long count;
        synchronized (windows) {
            if (window[0] != second) {
                return;
            }
            count = window[2];
            window[2] = 0;
        }
        if (count > 0) {
            unlogged.accept(kind, count);
        }
    }
}
