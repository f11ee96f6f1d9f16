package org.jinetd.daemon.launch.spawner;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages between the daemon and the spawner of one user: each request is one message
 * of a {@code SOCK_SEQPACKET} socket, big-endian, its first byte its kind; a message of the
 * spawner holds one reply or several in a row (what it had to say after one turn of its
 * loop: one wake-up of the daemon for them all). The daemon asks, in order; the spawner
 * answers each request in the same order, and says on its own when a program has ended.
 * Whatever the spawner says is read as a stranger's words: a message too long, of an
 * unknown kind, with a field out of bounds or a reply cut short is refused whole.
 */
public final class SpawnWire {
    /** Changes whenever a message does: the daemon and its spawner are the same jar, but a reply is checked. */
    static final int VERSION = 3;
    /** The largest request: a program's argv and environment, which come from the table. */
    static final int MOST_REQUEST = 128 * 1024;
    /** The most replies in one message of a spawner. */
    static final int MOST_REPLIES = 64;
    /** The largest message a spawner may send: {@link #MOST_REPLIES} of the longest reply. */
    static final int MOST_REPLY = MOST_REPLIES * 10;
    /** The most descriptors a program gets from the daemon (0, 1, 2 and a listen_fds socket). */
    static final int MOST_FDS = 4;
    static final int MOST_STRINGS = 4096;
    /** {@link Spawn#nofile}: leave the limit of open files as it is. */
    public static final long NOFILE_KEEP = -2;
    /** {@link Spawn#nofile}: RLIM_INFINITY. */
    public static final long NOFILE_UNLIMITED = -1;
    /** The highest pid Linux gives (pid_max's ceiling). */
    static final int MOST_PID = 4 * 1024 * 1024;

    private static final byte SPAWN = 'S';
    private static final byte END = 'E';
    private static final byte HELLO = 'H';
    private static final byte SPAWNED = 'P';
    private static final byte FAILED = 'F';
    private static final byte EXITED = 'X';
    private static final byte ENDED = 'A';

    private SpawnWire() {}

    /** What the daemon asks. */
    sealed interface Request {}

    /**
     * Start a program.
     *
     * @param seq    the request's number
     * @param argv   the program's path and arguments
     * @param env    its whole environment, {@code NAME=value} each
     * @param cwd    its working directory
     * @param umask  its file creation mask, or -1 for the spawner's own
     * @param nofile its soft limit of open files, or {@link #NOFILE_KEEP}
     * @param fds    for each of its descriptors 0, 1, ...: which of the descriptors sent with
     *               the request becomes it, or -1 for /dev/null
     * @param keep   which of the descriptors sent the spawner keeps until it has reaped the
     *               program (the connection, which it closes then, so that the client sees
     *               the end at once, and shuts down when asked to end the program), or -1
     */
    public record Spawn(int seq, List<String> argv, List<String> env, String cwd, int umask, long nofile, int[] fds,
                 int keep) implements Request {
        public Spawn {
            argv = List.copyOf(argv);
            env = List.copyOf(env);
        }
    }

    /**
     * End the program {@code pid}: its kept connection shut down, SIGTERM to its process group,
     * and after {@code graceMillis} SIGKILL to whatever of the group is left. The spawner keeps
     * the program unreaped until then, so that the group stays the program's.
     */
    public record End(int seq, int pid, int graceMillis) implements Request {
        public End {
            if (graceMillis < 0) {
                throw new IllegalArgumentException("a grace of " + graceMillis + " ms");
            }
        }
    }

    /** What the spawner says. */
    sealed interface Reply {}

    /** Ready for requests. */
    record Hello(int version) implements Reply {}

    /** The program of request {@code seq} runs as {@code pid}. */
    record Spawned(int seq, int pid) implements Reply {}

    /** The program of request {@code seq} could not be started: posix_spawn's error. */
    record Failed(int seq, int errno) implements Reply {}

    /** The program {@code pid} has ended: it exited with {@code value}, or {@code value} killed it. */
    record Exited(int pid, boolean exited, int value) implements Reply {}

    /** The SIGTERM of the {@link End} of request {@code seq} was sent: 0, or kill's error (ESRCH: not a program of its, or none left). */
    record Ended(int seq, int errno) implements Reply {}

    /** A request as bytes; a spawn request longer than {@value #MOST_REQUEST} bytes is refused. */
    static byte[] encode(Request request) {
        return switch (request) {
            case Spawn s -> {
                var cwd = s.cwd().getBytes(StandardCharsets.UTF_8);
                var argv = bytes(s.argv());
                var env = bytes(s.env());
                long size = 1 + 4 + 4 + 8 + 1 + s.fds().length + 1 + 4 + cwd.length + size(argv) + size(env);
                if (size > MOST_REQUEST) {
                    throw new IllegalArgumentException("the program's arguments and environment take " + size
                            + " bytes, more than the " + MOST_REQUEST + " a request to the spawner holds");
                }
                var out = ByteBuffer.allocate((int) size);
                out.put(SPAWN).putInt(s.seq()).putInt(s.umask()).putLong(s.nofile());
                out.put((byte) s.fds().length);
                for (int fd : s.fds()) {
                    out.put((byte) fd);
                }
                out.put((byte) s.keep());
                out.putInt(cwd.length).put(cwd);
                put(out, argv);
                put(out, env);
                yield out.array();
            }
            case End e -> ByteBuffer.allocate(13).put(END).putInt(e.seq()).putInt(e.pid()).putInt(e.graceMillis()).array();
        };
    }

    private static List<byte[]> bytes(List<String> strings) {
        return strings.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static long size(List<byte[]> strings) {
        long n = 4;
        for (var s : strings) {
            n += 4 + s.length;
        }
        return n;
    }

    private static void put(ByteBuffer out, List<byte[]> strings) {
        out.putInt(strings.size());
        for (var s : strings) {
            out.putInt(s.length).put(s);
        }
    }

    /** Replies as one message; at most {@value #MOST_REPLIES}. */
    static byte[] encode(List<Reply> replies) {
        if (replies.size() > MOST_REPLIES) {
            throw new IllegalArgumentException(replies.size() + " replies in one message");
        }
        var out = ByteBuffer.allocate(MOST_REPLY);
        replies.forEach(reply -> put(out, reply));
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    private static void put(ByteBuffer out, Reply reply) {
        switch (reply) {
            case Hello h -> out.put(HELLO).putInt(h.version());
            case Spawned s -> out.put(SPAWNED).putInt(s.seq()).putInt(s.pid());
            case Failed f -> out.put(FAILED).putInt(f.seq()).putInt(f.errno());
            case Exited x -> out.put(EXITED).putInt(x.pid()).put((byte) (x.exited() ? 1 : 0)).putInt(x.value());
            case Ended e -> out.put(ENDED).putInt(e.seq()).putInt(e.errno());
        }
    }

    /** A request, or IllegalArgumentException saying what is wrong with it. */
    static Request request(byte[] bytes) {
        var in = ByteBuffer.wrap(bytes);
        try {
            Request request = switch (in.get()) {
                case SPAWN -> {
                    int seq = in.getInt();
                    int umask = in.getInt();
                    long nofile = in.getLong();
                    int count = in.get();
                    if (count < 0 || count > MOST_FDS) {
                        throw new IllegalArgumentException(count + " descriptors");
                    }
                    var fds = new int[count];
                    for (int i = 0; i < count; i++) {
                        fds[i] = in.get();
                        if (fds[i] < -1 || fds[i] >= MOST_FDS) {
                            throw new IllegalArgumentException("descriptor " + fds[i]);
                        }
                    }
                    int keep = in.get();
                    var cwd = string(in);
                    var argv = strings(in);
                    var env = strings(in);
                    if (argv.isEmpty() || umask < -1 || umask > 0777 || nofile < NOFILE_KEEP || keep < -1
                            || keep >= MOST_FDS) {
                        throw new IllegalArgumentException("argv, umask, nofile or keep out of bounds");
                    }
                    yield new Spawn(seq, argv, env, cwd, umask, nofile, fds, keep);
                }
                case END -> new End(in.getInt(), in.getInt(), in.getInt());
                default -> throw new IllegalArgumentException("unknown request " + (bytes[0] & 0xff));
            };
            done(in);
            return request;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("request cut short");
        }
    }

    /** The replies of one message, or IllegalArgumentException saying what is wrong with one. */
    static List<Reply> replies(byte[] bytes) {
        if (bytes.length == 0 || bytes.length > MOST_REPLY) {
            throw new IllegalArgumentException("a message of " + bytes.length + " bytes");
        }
        var in = ByteBuffer.wrap(bytes);
        var replies = new ArrayList<Reply>();
        while (in.hasRemaining()) {
            replies.add(reply(in, bytes));
        }
        return replies;
    }

    private static Reply reply(ByteBuffer in, byte[] bytes) {
        try {
            return switch (in.get()) {
                case HELLO -> new Hello(in.getInt());
                case SPAWNED -> new Spawned(in.getInt(), pid(in.getInt()));
                case FAILED -> {
                    int seq = in.getInt();
                    int errno = in.getInt();
                    if (errno <= 0 || errno > 4095) {
                        throw new IllegalArgumentException("errno " + errno);
                    }
                    yield new Failed(seq, errno);
                }
                case EXITED -> {
                    int pid = pid(in.getInt());
                    byte kind = in.get();
                    int value = in.getInt();
                    if (kind != 0 && kind != 1 || kind == 1 && (value < 0 || value > 255)
                            || kind == 0 && (value < 1 || value > 64)) {
                        throw new IllegalArgumentException("exit " + kind + "/" + value);
                    }
                    yield new Exited(pid, kind == 1, value);
                }
                case ENDED -> {
                    int seq = in.getInt();
                    int errno = in.getInt();
                    if (errno < 0 || errno > 4095) {
                        throw new IllegalArgumentException("errno " + errno);
                    }
                    yield new Ended(seq, errno);
                }
                default -> throw new IllegalArgumentException("unknown message " + (bytes[in.position() - 1] & 0xff));
            };
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("message cut short");
        }
    }

    private static int pid(int pid) {
        if (pid <= 1 || pid > MOST_PID) {
            throw new IllegalArgumentException("pid " + pid);
        }
        return pid;
    }

    private static void done(ByteBuffer in) {
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes too many");
        }
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("a string of " + length + " bytes");
        }
        var bytes = new byte[length];
        in.get(bytes);
        for (byte b : bytes) {
            // C strings: a NUL would cut the value short where the program reads it.
            if (b == 0) {
                throw new IllegalArgumentException("a NUL in a string");
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<String> strings(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0 || count > MOST_STRINGS || count > in.remaining() / 4) {
            throw new IllegalArgumentException(count + " strings");
        }
        var list = new ArrayList<String>(count);
        for (int i = 0; i < count; i++) {
            list.add(string(in));
        }
        return list;
    }
}
