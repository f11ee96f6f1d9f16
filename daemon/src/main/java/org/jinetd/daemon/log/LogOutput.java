package org.jinetd.daemon.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jinetd.daemon.os.AppendFile;

/**
 * Where the daemon's log goes: stderr until the table says otherwise ({@code log:}), then
 * the journal, syslog or a file. The log provider writes its entries to {@link #entries()},
 * each ended by a flush; anything else written to stderr comes through {@link #lines()}, a
 * line at a time. Each is made one line by {@link Entry#of} (a stack trace the provider adds
 * becomes one quoted value, control characters are escaped, a long one is cut with a mark)
 * and passed on whole, in one write or one datagram. An entry the destination does not take
 * goes to stderr, with a warning the first time, so that nothing is lost unsaid.
 */
public final class LogOutput {
    /** An entry longer than this is cut, with a mark: it fits a datagram, and no part of it becomes an entry. */
    static final int MOST_ENTRY = 64 * 1024;
    private static final int INFO = 6;
    /** Between two warnings that a destination fails: a syslog daemon that comes and goes says so once a minute. */
    private static final long WARN_AGAIN_NANOS = 60_000_000_000L;

    private final StderrSink stderr;
    private final boolean stderrIsJournal;
    private final String journalSocket;
    private final String syslogSocket;
    private final int fileOwner;
    private final Bytes entry = new Bytes(512);
    private final Bytes line = new Bytes(512);
    /** Whether what the provider wrote since the last flush, or the line being read, went past {@link #MOST_ENTRY}. */
    private boolean entryCut;
    private boolean lineCut;
    private final OutputStream entries = new Entries();
    private final OutputStream lines = new Lines();

    // Guarded by this, as is all of the above that changes.
    private Sink sink;
    /** The priority of the last entry, for a line without a level word. */
    private int priority = INFO;
    /** Entries the destination did not take since it last took one. */
    private long fellBack;
    private boolean warned;
    private long warnedAt;

    /**
     * @param stderr          the process's stderr
     * @param stderrIsJournal whether it is the journal's stream ({@link #stderrIsJournal(Map)})
     * @param journalSocket   journald's socket, {@code /run/systemd/journal/socket} but in tests
     * @param syslogSocket    the syslog daemon's, {@code /dev/log} but in tests
     * @param fileOwner       who must own a log file besides root: 0 for a root daemon, whose
     *                        file must be trusted; {@link AppendFile#ANY} for one that is not root
     */
    public LogOutput(OutputStream stderr, boolean stderrIsJournal, String journalSocket, String syslogSocket,
                     int fileOwner) {
        this.stderr = new StderrSink(stderr, stderrIsJournal);
        this.stderrIsJournal = stderrIsJournal;
        this.journalSocket = journalSocket;
        this.syslogSocket = syslogSocket;
        this.fileOwner = fileOwner;
        this.sink = this.stderr;
    }

    /** journald's socket, where sd_journal_send(3) writes. */
    public static String journalSocket() {
        return JournalSink.SOCKET;
    }

    /** The syslog daemon's socket, where syslog(3) writes. */
    public static String syslogSocket() {
        return SyslogSink.SOCKET;
    }

    /**
     * Whether stderr is the journal's stream: systemd sets {@code JOURNAL_STREAM} to the
     * device and inode of the socket it gives as stderr, and a child that inherited the
     * variable but not the socket must not take its stderr for the journal.
     */
    public static boolean stderrIsJournal(Map<String, String> environment) {
        var stream = environment.get("JOURNAL_STREAM");
        if (stream == null || !stream.matches("\\d+:\\d+")) {
            return false;
        }
        try {
            var stderr = Path.of("/proc/self/fd/2");
            var dev = ((Number) Files.getAttribute(stderr, "unix:dev")).longValue();
            var ino = ((Number) Files.getAttribute(stderr, "unix:ino")).longValue();
            return stream.equals(Long.toUnsignedString(dev) + ":" + Long.toUnsignedString(ino));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** For the log provider: what it writes up to each flush is one entry. */
    public OutputStream entries() {
        return entries;
    }

    /** For the rest of stderr (a command's output, the JVM's last words): each line is an entry. */
    public OutputStream lines() {
        return lines;
    }

    /** Where entries go now, as an administrator would look for them: "stderr", "the journal", a path. */
    public synchronized String place() {
        return sink.place();
    }

    /** Entries go to stderr. */
    public void toStderr() {
        use(stderr);
    }

    /**
     * Entries go where a table without {@code log:} sends them: under systemd, when stderr is
     * the journal's stream and journald's socket is there, to the journal with their fields;
     * else to stderr.
     */
    public void toDefault() {
        if (stderrIsJournal && (journalSocket.startsWith("@") || Files.exists(Path.of(journalSocket)))) {
            toJournal();
        } else {
            toStderr();
        }
    }

    /** Entries go to journald's socket with their fields. */
    public void toJournal() {
        synchronized (this) {
            if (sink instanceof JournalSink) {
                return;
            }
        }
        open(() -> new JournalSink(journalSocket), "the journal");
    }

    /** Entries go to the syslog daemon. */
    public void toSyslog() {
        synchronized (this) {
            if (sink instanceof SyslogSink) {
                return;
            }
        }
        open(() -> new SyslogSink(syslogSocket), "syslog (" + syslogSocket + ")");
    }

    /**
     * Entries are appended to {@code file}, opened anew even when it is the file in use: after
     * logrotate renamed it, a reload starts the next one.
     */
    public void toFile(Path file) {
        open(() -> new FileSink(AppendFile.open(file, fileOwner)), file.toString());
    }

    @FunctionalInterface
    private interface Opening {
        Sink open() throws IOException;
    }

    private void open(Opening opening, String place) {
        Sink next;
        try {
            next = opening.open();
        } catch (IOException e) {
            synchronized (this) {
                say(stderr, "WARN log: cannot write to %s: %s; the log goes to stderr".formatted(place, e.getMessage()));
            }
            use(stderr);
            return;
        }
        use(next);
    }

    private synchronized void use(Sink next) {
        var old = sink;
        if (old == next) {
            return;
        }
        if (!old.place().equals(next.place())) {
            // Whoever reads the old place learns where to look.
            say(old, "INFO log: to " + next.place() + " from now on");
        }
        sink = next;
        fellBack = 0;
        warned = false;
        old.close();
    }

    /** A line of this class's own, written to {@code to} only, or to stderr if that fails. */
    private void say(Sink to, String text) {
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        var said = Entry.of(bytes, bytes.length, true, INFO, false);
        try {
            to.write(said);
        } catch (IOException e) {
            writeQuietly(stderr, said);
        }
    }

    /**
     * Passes on {@code length} bytes of {@code bytes} as one entry: {@code levelled} when the log
     * provider wrote them, level word first; {@code cut} when their end was not kept.
     */
    private void emit(byte[] bytes, int length, boolean levelled, boolean cut) {
        var entry = Entry.of(bytes, length, levelled, priority, cut);
        priority = entry.priority();
        if (sink == stderr) {
            writeQuietly(stderr, entry);
            return;
        }
        try {
            sink.write(entry);
            if (fellBack > 0) {
                if (warned) {
                    say(stderr, "INFO log: %s takes entries again; %d went to stderr meanwhile".formatted(
                            sink.place(), fellBack));
                }
                fellBack = 0;
                warned = false;
            }
        } catch (IOException e) {
            long now = System.nanoTime();
            if (fellBack++ == 0 && (warnedAt == 0 || now - warnedAt > WARN_AGAIN_NANOS)) {
                say(stderr, "WARN log: cannot write to %s: %s; entries go to stderr until it takes them again"
                        .formatted(sink.place(), e.getMessage()));
                warned = true;
                warnedAt = now == 0 ? 1 : now;
            }
            writeQuietly(stderr, entry);
        }
    }

    private static void writeQuietly(StderrSink stderr, Entry entry) {
        try {
            stderr.write(entry);
        } catch (IOException e) {
            // Stderr is closed: there is nowhere left to write, as for System.err itself.
        }
    }

    /** What the log provider writes: an entry ends at each flush. */
    private final class Entries extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        /** Keeps at most {@link #MOST_ENTRY} bytes and one more, to tell a cut; the rest, up to the flush, is dropped. */
        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (LogOutput.this) {
                int part = Math.min(length, MOST_ENTRY + 1 - entry.size());
                entry.write(bytes, offset, part);
                entryCut |= part < length;
            }
        }

        @Override
        public void flush() {
            synchronized (LogOutput.this) {
                flushEntry();
            }
        }

        private void flushEntry() {
            int length = entry.size();
            if (length > 0 && entry.array()[length - 1] == '\n' && !entryCut) {
                length--;
            }
            if (length > 0) {
                emit(entry.array(), length, true, entryCut);
            }
            entry.clear(2 * MOST_ENTRY);
            entryCut = false;
        }
    }

    /**
     * The rest of stderr: an entry per line, never read for a level word. A line longer than
     * {@link #MOST_ENTRY} is cut, and the rest of it dropped up to its newline.
     */
    private final class Lines extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (LogOutput.this) {
                int end = offset + length;
                for (int i = offset; i < end; i++) {
                    if (bytes[i] == '\n') {
                        emit(line.array(), line.size(), false, lineCut);
                        line.clear(2 * MOST_ENTRY);
                        lineCut = false;
                    } else if (line.size() <= MOST_ENTRY) {
                        line.write(bytes[i]);
                    } else {
                        lineCut = true;
                    }
                }
            }
        }
    }
}
