package org.jinetd.daemon.config;

import java.util.List;

/** The outcome of reading a service table: a table, or every problem found in it. */
public sealed interface Loaded {
    record Ok(ServiceTable table) implements Loaded {}

    record Bad(List<Problem> problems) implements Loaded {
        public Bad {
            problems = List.copyOf(problems);
        }
    }
}
