package org.jinetd.daemon.control;

import java.util.List;

/**
 * What a reload did: services that kept their socket, that started or stopped
 * listening, and those that could not listen (with why); the rest applied all the same.
 */
public record Reloaded(List<String> kept, List<String> added, List<String> removed, List<String> failed) {
    public Reloaded {
        kept = List.copyOf(kept);
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        failed = List.copyOf(failed);
    }

    public String summary() {
        return "%d kept, %d added, %d removed, %d failed".formatted(kept.size(), added.size(), removed.size(),
                failed.size());
    }
}
