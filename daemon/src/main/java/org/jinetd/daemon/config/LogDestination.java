package org.jinetd.daemon.config;

import java.nio.file.Path;
import java.util.List;

/** Where the daemon's log goes ({@code log:}); a table without the key leaves it to where the daemon runs. */
public sealed interface LogDestination {
    /** The words {@code log:} takes besides a path. */
    List<String> WORDS = List.of("stderr", "journal", "syslog");

    /** Stderr: with the time in front, or with the priority in front when stderr is the journal's stream. */
    record Stderr() implements LogDestination {}

    /** journald's own socket, with fields such as JINETD_SERVICE. */
    record Journal() implements LogDestination {}

    /** The syslog daemon's /dev/log, facility daemon, as xinetd writes. */
    record Syslog() implements LogDestination {}

    /** A file the daemon appends to and opens again at each reload. */
    record File(Path path) implements LogDestination {
        public File {
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("a log file is an absolute path: " + path);
            }
        }
    }
}
