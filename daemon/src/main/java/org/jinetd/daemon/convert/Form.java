package org.jinetd.daemon.convert;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What an imported table holds, which where it goes decides. */
public sealed interface Form {
    /** A table of its own: the old daemon's defaults as {@code defaults:}, then {@code services:}. */
    record Table() implements Form {}

    /**
     * A file that another table includes ({@code conf.d/xinetd.yaml}): {@code services:} alone,
     * as an included file may hold nothing else, with the old daemon's defaults written into
     * each service, and the including table's defaults undone where they would change what a
     * service did under the old daemon.
     *
     * @param including the table that includes it
     * @param defaults  that table's {@code defaults:}, each key's value as written there (for comments)
     * @param taken     the names of services that table has already, in itself and its other files
     */
    record Included(Path including, Map<String, String> defaults, Set<String> taken) implements Form {
        public Included {
            Objects.requireNonNull(including, "including");
            // In the including table's order: the keys import writes follow it.
            defaults = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(defaults));
            taken = Set.copyOf(taken);
        }
    }
}
