package org.jinetd.daemon.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.SocketCalls;

/**
 * journald's own socket, written as sd_journal_send(3) does (systemd's "Native Journal
 * Protocol"): one datagram per entry, of {@code FIELD=value} lines: MESSAGE, PRIORITY,
 * SYSLOG_IDENTIFIER=jinetd and the fields of the entry's {@link Pairs}. Their names are the
 * daemon's, never a value's. A value holding a control character other than a tab (a quoted
 * value read back: a client's error may hold a newline) is sent in the protocol's binary form:
 * the name, a newline, its length as 64 bits little-endian, the value; journald reads its
 * bytes as one value whatever they are. An entry is at most
 * {@link LogOutput#MOST_ENTRY} bytes and its fields are parts of it, so that it fits a
 * datagram; none needs the sealed memfd sd_journal_send passes for larger ones. Sending
 * never waits: a journal that does not keep up gets the entry on stderr instead.
 */
final class JournalSink implements Sink {
    /** Where journald listens. */
    static final String SOCKET = "/run/systemd/journal/socket";
    private static final int EMSGSIZE = 90;
    /** SO_SNDBUF asked for, as the protocol advises, so that a burst is queued rather than refused; the kernel may give less. */
    private static final int SEND_BUFFER = 8 << 20;

    private final String socket;
    private final int fd;
    private final Bytes record = new Bytes(1024);

    /** @param socket journald's socket: {@link #SOCKET}, or a test's */
    JournalSink(String socket) throws IOException {
        this.socket = socket;
        try {
            this.fd = SocketCalls.unixDatagramSocket();
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            throw new IOException("no socket: " + e.getMessage());
        }
        try {
            SocketCalls.setIntOption(fd, 1 /* SOL_SOCKET */, 7 /* SO_SNDBUF */, SEND_BUFFER);
        } catch (Libc.Failure e) {
            // The default buffer holds an entry too; only a burst goes to stderr sooner.
        }
    }

    @Override
    public void write(Entry entry) throws IOException {
        record.clear(4 * LogOutput.MOST_ENTRY);
        var bytes = entry.bytes();
        field("MESSAGE", bytes, entry.messageStart(), bytes.length - entry.messageStart());
        record.add("PRIORITY=").add((char) ('0' + entry.priority())).add('\n');
        record.add("SYSLOG_IDENTIFIER=jinetd\n");
        if (entry.levelled()) {
            Pairs.read(entry.message(), (name, value) -> {
                var v = value.getBytes(StandardCharsets.UTF_8);
                field(name, v, 0, v.length);
            });
        }
        try {
            SocketCalls.sendNowTo(fd, socket, record.array(), record.size());
        } catch (Libc.Failure e) {
            throw new IOException(switch (e.errno) {
                case Libc.EAGAIN -> "its queue is full";
                case EMSGSIZE -> "an entry of %d bytes is more than a datagram may hold".formatted(record.size());
                default -> Libc.describe(e.errno);
            });
        }
    }

    /** {@code NAME=value\n}, or the binary form when the value holds a newline or another control character. */
    private void field(String name, byte[] value, int offset, int length) {
        record.add(name);
        boolean binary = false;
        for (int i = offset; i < offset + length && !binary; i++) {
            binary = (value[i] & 0xff) < ' ' && value[i] != '\t' || value[i] == 0x7f;
        }
        if (binary) {
            record.add('\n');
            for (int i = 0; i < 8; i++) {
                record.write((int) ((long) length >>> 8 * i) & 0xff);
            }
        } else {
            record.add('=');
        }
        record.add(value, offset, length).add('\n');
    }

    @Override
    public String place() {
        return "the journal";
    }

    @Override
    public void close() {
        try {
            Libc.close(fd);
        } catch (Libc.Failure e) {
            // Closed already: nothing is lost, a datagram is sent whole or not at all.
        }
    }
}
