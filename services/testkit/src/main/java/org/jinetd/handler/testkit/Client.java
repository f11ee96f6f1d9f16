package org.jinetd.handler.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP client connected to a {@link Served} handler, made for one-line tests: send text or
 * bytes, read a line, read everything until the handler closes. Text is UTF-8.
 *
 * <p>Every call has the served handler's deadline ({@link Served#DEADLINE} unless set): a
 * handler that answers nothing, or stops reading, fails the test with a message that says
 * what was awaited and what had come, instead of hanging the build. An I/O error (the
 * handler reset the connection) is thrown as an {@link UncheckedIOException}.
 *
 * <p>Tests get one as a parameter ({@code @Test void x(Client client)}) or from
 * {@link Served#connect()}; the kit closes it after the test.
 */
public final class Client implements AutoCloseable {
    /** The most {@link #readAll()} keeps: a handler that never stops sending fails the test instead of the JVM. */
    private static final int MOST_BYTES = 64 << 20;
    /** How much of what came a failure message shows. */
    private static final int SHOWN_CHARS = 200;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Duration deadline;

    private Client(Socket socket, Duration deadline) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.deadline = deadline;
    }

    static Client connect(InetSocketAddress address, Duration deadline) {
        var socket = new Socket();
        try {
            socket.connect(address, millis(deadline));
            return new Client(socket, deadline);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot connect to " + address, e);
        }
    }

    /**
     * Sends {@code text} in UTF-8; it returns once the handler's side has taken it all.
     *
     * @param text what to send, line ends included
     * @return this client, to read the answer
     * @throws AssertionError if the handler did not take it all within the deadline
     */
    public Client send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code bytes}; it returns once the handler's side has taken them all. More than the
     * socket buffers hold goes out only while the handler reads: to send much to a handler
     * that answers as it reads, send from another thread and read here.
     *
     * @param bytes what to send
     * @return this client, to read the answer
     * @throws AssertionError if the handler did not take them all within the deadline
     */
    public Client send(byte[] bytes) {
        // A blocked write has no timeout of its own: past the deadline, closing the socket ends it.
        var done = new CountDownLatch(1);
        var late = new AtomicBoolean();
        Thread.ofVirtual().name("client send deadline").start(() -> {
            try {
                if (!done.await(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
                    late.set(true);
                    socket.close();
                }
            } catch (InterruptedException | IOException e) {
                // Nothing to end: the send is over or the socket already closed.
            }
        });
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            if (late.get()) {
                throw new AssertionError("the handler did not take the " + bytes.length + " bytes sent within "
                        + deadline + " (is it reading?); the connection is now closed", e);
            }
            throw new UncheckedIOException("sending " + bytes.length + " bytes failed", e);
        } finally {
            done.countDown();
        }
    }

    /**
     * Half-closes: the handler reads end of stream, and can still answer.
     *
     * @return this client, to read the answer
     */
    public Client shutdownOutput() {
        try {
            socket.shutdownOutput();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("shutdownOutput failed", e);
        }
    }

    /**
     * Reads one line, up to LF, in UTF-8.
     *
     * @return the line without its LF or CR LF
     * @throws AssertionError if no whole line came within the deadline, or the connection ended first
     */
    public String line() {
        long until = until();
        var line = new ByteArrayOutputStream();
        while (true) {
            int b = read(until, line, "a whole line");
            if (b < 0) {
                throw new AssertionError(line.size() == 0 ? "the connection ended where a line was expected"
                        : "the connection ended inside a line: " + shown(line.toByteArray()));
            }
            if (b == '\n') {
                var bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() == MOST_BYTES) {
                throw new AssertionError("no line end in " + MOST_BYTES + " bytes");
            }
            line.write(b);
        }
    }

    /**
     * Reads exactly {@code length} bytes.
     *
     * @param length how many
     * @return the bytes
     * @throws AssertionError if they did not all come within the deadline, or the connection ended first
     */
    public byte[] read(int length) {
        long until = until();
        var bytes = new ByteArrayOutputStream(length);
        while (bytes.size() < length) {
            int b = read(until, bytes, length + " bytes");
            if (b < 0) {
                throw new AssertionError("the connection ended after " + bytes.size() + " of " + length + " bytes: "
                        + shown(bytes.toByteArray()));
            }
            bytes.write(b);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads until the handler closes the connection (or shuts its output down).
     *
     * @return everything that came, in UTF-8
     * @throws AssertionError if the connection did not end within the deadline
     */
    public String readAll() {
        return new String(readAllBytes(), StandardCharsets.UTF_8);
    }

    /**
     * Reads until the handler closes the connection (or shuts its output down).
     *
     * @return everything that came
     * @throws AssertionError if the connection did not end within the deadline, or more than
     *                        64 MiB came first
     */
    public byte[] readAllBytes() {
        long until = until();
        var bytes = new ByteArrayOutputStream();
        for (int b; (b = read(until, bytes, "the end of the connection")) >= 0; ) {
            if (bytes.size() == MOST_BYTES) {
                throw new AssertionError("more than " + MOST_BYTES + " bytes came without an end");
            }
            bytes.write(b);
        }
        return bytes.toByteArray();
    }

    /** Closes with a reset (RST) instead of FIN, as a client that crashes or gives up does. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException("reset failed", e);
        }
    }

    /** {@return the socket, for what this class does not do} Reads through it have no deadline unless set. */
    public Socket socket() {
        return socket;
    }

    /** Closes the connection; the handler reads end of stream. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException("close failed", e);
        }
    }

    private long until() {
        return System.nanoTime() + deadline.toNanos();
    }

    /** One byte, or -1 at the end; fails once {@code until} has passed, saying what was awaited and what came. */
    private int read(long until, ByteArrayOutputStream got, String awaited) {
        try {
            if (in.available() == 0) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout(Math.max(1, (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))));
            }
            return in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("waited " + deadline + " for " + awaited + " from the handler; came: "
                    + shown(got.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + awaited + " failed after " + got.size() + " bytes", e);
        }
    }

    private static int millis(Duration deadline) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, deadline.toMillis()));
    }

    /** Text that came, quoted, with line ends and controls visible, cut short when long. */
    static String shown(byte[] bytes) {
        var text = new String(bytes, StandardCharsets.UTF_8);
        var shown = new StringBuilder("\"");
        text.codePoints().limit(SHOWN_CHARS).forEach(c -> {
            switch (c) {
                case '\r' -> shown.append("\\r");
                case '\n' -> shown.append("\\n");
                case '\t' -> shown.append("\\t");
                case '"', '\\' -> shown.append('\\').appendCodePoint(c);
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        shown.append("\\x%02x".formatted(c));
                    } else {
                        shown.appendCodePoint(c);
                    }
                }
            }
        });
        shown.append('"');
        long total = text.codePoints().count();
        return total > SHOWN_CHARS ? shown + " ... (" + bytes.length + " bytes)" : shown.toString();
    }
}
