package org.jinetd.daemon.log;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Stderr, an entry in one write: with the time in front; or, when stderr is the journal's
 * stream, with the entry's priority in front as sd-daemon(3) describes ({@code <4>} for a
 * warning) and no time, which journald adds itself. An entry without a level word (a
 * command's own output) gets no time.
 */
final class StderrSink implements Sink {
    private final OutputStream out;
    private final boolean journal;
    private final Timestamp time = new Timestamp();
    private final Bytes bytes = new Bytes(512);

    /** @param journal whether stderr is the journal's stream */
    StderrSink(OutputStream out, boolean journal) {
        this.out = out;
        this.journal = journal;
    }

    @Override
    public void write(Entry entry) throws IOException {
        bytes.clear(LogOutput.MOST_ENTRY);
        if (journal) {
            // journald reads its stream a line at a time, and an entry is one: it says its priority.
            bytes.add('<').add((char) ('0' + entry.priority())).add('>').add(entry.bytes()).add('\n');
        } else {
            timed(entry, time, bytes);
        }
        out.write(bytes.array(), 0, bytes.size());
        out.flush();
    }

    /** The entry with the time in front and a newline after, as stderr and a file have it. */
    static void timed(Entry entry, Timestamp time, Bytes into) {
        if (entry.levelled()) {
            time.add(into);
        }
        into.add(entry.bytes()).add('\n');
    }

    @Override
    public String place() {
        return journal ? "the journal" : "stderr";
    }
}
