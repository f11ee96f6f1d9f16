package org.jinetd.daemon.log;

import java.io.IOException;
import org.jinetd.daemon.os.AppendFile;

/** A file, as {@code log: /var/log/jinetd.log} asks: each entry as on stderr, with its time, in one write. */
final class FileSink implements Sink {
    private final AppendFile file;
    private final Timestamp time = new Timestamp();
    private final Bytes bytes = new Bytes(512);

    FileSink(AppendFile file) {
        this.file = file;
    }

    @Override
    public void write(Entry entry) throws IOException {
        bytes.clear(LogOutput.MOST_ENTRY);
        StderrSink.timed(entry, time, bytes);
        file.write(bytes.array(), bytes.size());
    }

    @Override
    public String place() {
        return file.path().toString();
    }

    @Override
    public void close() {
        file.close();
    }
}
