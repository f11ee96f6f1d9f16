package org.jinetd.daemon.log;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.SocketCalls;

/**
 * Syslog, as syslog(3) and xinetd write to it: a datagram per line to /dev/log, in the
 * form of RFC 3164, {@code <30>Jun  1 12:00:00 jinetd[4120]: service=echo ...}: facility
 * daemon, the entry's level as severity, the tag {@code jinetd} with the daemon's pid. The
 * level word is left out; the severity says it. An entry is one line (a stack trace is one
 * quoted value of it), so it is one datagram. Sending never waits: a syslog daemon that
 * does not keep up gets the entry on stderr instead.
 */
final class SyslogSink implements Sink {
    static final String SOCKET = "/dev/log";
    /** LOG_DAEMON. */
    private static final int FACILITY = 3 << 3;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
    private static final int EPROTOTYPE = 91;

    private final String socket;
    private final String tag;
    private final int fd;
    private final Bytes datagram = new Bytes(512);

    /** @param socket the syslog daemon's socket: {@link #SOCKET}, or a test's */
    SyslogSink(String socket) throws IOException {
        this.socket = socket;
        this.tag = " jinetd[" + ProcessHandle.current().pid() + "]: ";
        try {
            this.fd = SocketCalls.unixDatagramSocket();
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            throw new IOException("no socket: " + e.getMessage());
        }
    }

    @Override
    public void write(Entry entry) throws IOException {
        var bytes = entry.bytes();
        datagram.clear(2 * LogOutput.MOST_ENTRY);
        datagram.add("<" + (FACILITY + entry.priority()) + ">" + TIME.format(LocalDateTime.now()) + tag)
                .add(bytes, entry.messageStart(), bytes.length - entry.messageStart());
        send();
    }

    private void send() throws IOException {
        try {
            SocketCalls.sendNowTo(fd, socket, datagram.array(), datagram.size());
        } catch (Libc.Failure e) {
            throw new IOException(switch (e.errno) {
                case Libc.EAGAIN -> "its queue is full";
                case EPROTOTYPE -> "not a datagram socket";
                default -> Libc.describe(e.errno);
            });
        }
    }

    @Override
    public String place() {
        return "syslog (" + socket + ")";
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
