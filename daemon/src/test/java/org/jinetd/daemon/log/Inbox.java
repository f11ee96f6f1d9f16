package org.jinetd.daemon.log;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.SocketCalls;
import org.jinetd.daemon.os.Descriptors;

/**
 * A unix datagram socket of a test's own, where journald's or syslog's would be: what a
 * sink sends arrives here, a datagram at a time.
 */
public final class Inbox implements AutoCloseable {
    private final Path path;
    private final int fd;

    public Inbox(Path path) throws Libc.Failure {
        this.path = path;
        this.fd = SocketCalls.unixDatagramSocket();
        SocketCalls.bindUnix(fd, path.toString());
    }

    public String path() {
        return path.toString();
    }

    /** The next datagram, waited for at most 10 s. */
    public byte[] receive() throws Libc.Failure {
        try (var arena = Arena.ofConfined()) {
            var poll = arena.allocate(8, 4);
            poll.set(JAVA_INT, 0, fd);
            poll.set(JAVA_SHORT, 4, Descriptors.POLLIN);
            if (Descriptors.poll(poll, 1, 10_000) == 0) {
                fail("no datagram within 10 s at " + path);
            }
        }
        return SocketCalls.receive(fd, 1 << 20);
    }

    public String receiveText() throws Libc.Failure {
        return new String(receive(), StandardCharsets.UTF_8);
    }

    /** One field of a journal entry: its name and its value's bytes, in either of the protocol's forms. */
    public record Field(String name, byte[] value, boolean binary) {
        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** The next datagram read as journald reads one (systemd's "Native Journal Protocol"). */
    public List<Field> receiveEntry() throws Libc.Failure {
        return fields(receive());
    }

    public static List<Field> fields(byte[] datagram) {
        var out = new ArrayList<Field>();
        int i = 0;
        while (i < datagram.length) {
            int end = i;
            while (datagram[end] != '=' && datagram[end] != '\n') {
                end++;
            }
            var name = new String(datagram, i, end - i, StandardCharsets.US_ASCII);
            if (datagram[end] == '=') {
                int valueEnd = end + 1;
                while (datagram[valueEnd] != '\n') {
                    valueEnd++;
                }
                out.add(new Field(name, Arrays.copyOfRange(datagram, end + 1, valueEnd), false));
                i = valueEnd + 1;
            } else {
                long length = 0;
                for (int b = 0; b < 8; b++) {
                    length |= (datagram[end + 1 + b] & 0xffL) << 8 * b;
                }
                int start = end + 9;
                out.add(new Field(name, Arrays.copyOfRange(datagram, start, start + (int) length), true));
                assertEquals('\n', datagram[start + (int) length], "a binary field ends with a newline");
                i = start + (int) length + 1;
            }
        }
        return out;
    }

    /** The one value of {@code name} in {@code entry}; a second one would be a forged field. */
    public static String only(List<Field> entry, String name) {
        var values = entry.stream().filter(f -> f.name().equals(name)).toList();
        assertEquals(1, values.size(), () -> name + " in " + shown(entry));
        return values.getFirst().text();
    }

    public static String shown(List<Field> entry) {
        return entry.stream().map(f -> f.name() + (f.binary() ? "(binary)" : "") + "=" + f.text()).toList().toString();
    }

    @Override
    public void close() throws Libc.Failure {
        Libc.close(fd);
    }
}
