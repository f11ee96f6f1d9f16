package org.jinetd.daemon.log;

import java.io.IOException;

/** Where the log's entries go: stderr, the journal, syslog or a file. */
sealed interface Sink permits StderrSink, JournalSink, SyslogSink, FileSink {
    /** Writes one entry, or throws with the reason it could not; the entry then goes to stderr. */
    void write(Entry entry) throws IOException;

    /** Where an administrator reads it: "stderr", "the journal", "syslog (/dev/log)", a file's path. */
    String place();

    /** Gives back what it holds (a socket, a file); nothing is written to it after. */
    default void close() {
    }
}
