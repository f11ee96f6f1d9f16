package org.jinetd.daemon.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.os.Credentials;
import org.jinetd.daemon.os.SocketFile;

/**
 * The control socket: a unix socket only its owner may use (mode 0600, in a directory of
 * its own), where {@code jinetd status}, {@code reload} and {@code stop} reach the daemon.
 * Reload and stop are also checked against the client's uid (SO_PEERCRED): the daemon's
 * own, or root. Clients are bounded: {@link #MAX_CLIENTS} at once, a request of at most
 * {@link RequestLine#MAX_BYTES}, sent within {@link #SLOWEST}.
 */
public final class ControlServer implements AutoCloseable {
    /** Clients served at once; more are closed at once. */
    static final int MAX_CLIENTS = 16;
    /** How long a client may take to send its request, and to take its reply. */
    static final Duration SLOWEST = Duration.ofSeconds(5);

    /** What the daemon does for a request. */
    public interface Handler {
        ControlMessages.Reply handle(ControlMessages.Request request);
    }

    private final Path path;
    /** Where the socket file was made, its directories resolved: what is deleted at the end. */
    private final Path placed;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final ConnectionLog log;
    private final int ownUid;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    /** Connections of those who asked for a stop, closed when it is over. */
    private final java.util.Set<SocketChannel> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("control-deadlines").daemon(true).unstarted(r));
    private volatile boolean closed;

    private ControlServer(Path path, Path placed, ServerSocketChannel server, Handler handler, ConnectionLog log,
                          int ownUid) {
        this.path = path;
        this.placed = placed;
        this.server = server;
        this.handler = handler;
        this.log = log;
        this.ownUid = ownUid;
    }

    public static ControlServer open(Path path, Handler handler, ConnectionLog log) throws IOException {
        int ownUid = (int) new com.sun.security.auth.module.UnixSystem().getUid();
        SocketDirectory.make(path.toAbsolutePath().getParent(), ownUid);
        var place = SocketFile.place(path);
        replaceStale(place.path());
        var server = SocketFile.bind(place, 0, PosixFilePermissions.fromString("rw-------"), OptionalInt.empty(),
                OptionalInt.empty());
        var control = new ControlServer(path, place.path(), server, handler, log, ownUid);
        Thread.ofPlatform().name("control").daemon(true).start(control::acceptLoop);
        return control;
    }

    /** A socket left by an earlier run is replaced; one where a daemon answers, or any other file, is not. */
    private static void replaceStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0170000) != 0140000) {
            throw new IOException("'" + path + "' exists and is not a socket; not replacing it");
        }
        try (var probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            // Nobody answers: the bind renames its socket over this one.
            return;
        }
        throw new IOException("another jinetd answers on " + path);
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        // Out of descriptors, accepting again at once would only spin: wait a little longer each time.
        long delayMs = 0;
        boolean full = false;
        while (!closed) {
            if (delayMs > 0) {
                pause(delayMs);
            }
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                if (delayMs == 0) {
                    log.warn("control: accept: %s; backing off until it passes".formatted(e.getMessage()));
                }
                delayMs = Math.min(1_000, Math.max(10, delayMs * 2));
                continue;
            }
            delayMs = 0;
            if (!clients.tryAcquire()) {
                if (!full) {
                    log.warn("control: %d clients at once; closing the others until one ends".formatted(MAX_CLIENTS));
                }
                full = true;
                closeQuietly(client);
                continue;
            }
            full = false;
            try {
                Thread.ofVirtual().name("control-client").start(() -> {
                    try {
                        serve(client);
                    } finally {
                        clients.release();
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                // One client not served, never the loop ended.
                clients.release();
                closeQuietly(client);
                log.warn("control: cannot serve a client: " + LogText.thrown(e));
            }
        }
    }

    private void serve(SocketChannel client) {
        boolean hold = false;
        try {
            Optional<String> line;
            var reading = deadlines.schedule(() -> closeQuietly(client), SLOWEST.toMillis(), TimeUnit.MILLISECONDS);
            try {
                line = RequestLine.read(client);
            } catch (RequestLine.TooLong e) {
                reading.cancel(false);
                log.warn("control: " + e.getMessage() + "; refused");
                write(client, ControlMessages.Reply.of(false, e.getMessage()));
                return;
            } catch (IOException e) {
                if (!client.isOpen()) {
                    log.warn("control: a client sent no whole request within %ds; closed".formatted(SLOWEST.toSeconds()));
                    return;
                }
                throw e;
            }
            reading.cancel(false);
            if (line.isEmpty()) {
                return;
            }
            ControlMessages.Request request;
            try {
                request = ControlJson.readRequest(line.get());
            } catch (IOException e) {
                write(client, ControlMessages.Reply.of(false, "not a request: " + e.getMessage()));
                return;
            }
            var reply = answer(request, client);
            write(client, reply);
            // Whoever asked for a stop learns that it is over when this connection closes: at the
            // daemon's end (the command line reads to the end).
            hold = reply.ok() && "stop".equals(request.command()) && held.add(client);
        } catch (IOException | RuntimeException e) {
            log.note("control: a client's request ended: " + LogText.error(e));
        } finally {
            if (!hold) {
                closeQuietly(client);
            }
        }
    }

    private ControlMessages.Reply answer(ControlMessages.Request request, SocketChannel client) {
        if (request == null) {
            return ControlMessages.Reply.of(false, "not a request: null");
        }
        if (!allowed(request, Credentials.of(client))) {
            return ControlMessages.Reply.of(false, "only the daemon's user or root may " + request.command());
        }
        try {
            return handler.handle(request);
        } catch (RuntimeException e) {
            log.warn("control: " + LogText.quoted(request.command()) + " failed: " + LogText.thrown(e));
            return ControlMessages.Reply.of(false, request.command() + " failed: " + e.getMessage());
        }
    }

    /** The reply, within {@link #SLOWEST}: a client that does not read it is closed. */
    private void write(SocketChannel client, ControlMessages.Reply reply) throws IOException {
        var bytes = ControlJson.write(reply);
        var buffer = ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) '\n').flip();
        var writing = deadlines.schedule(() -> closeQuietly(client), SLOWEST.toMillis(), TimeUnit.MILLISECONDS);
        try {
            while (buffer.hasRemaining()) {
                client.write(buffer);
            }
        } finally {
            writing.cancel(false);
        }
    }

    private boolean allowed(ControlMessages.Request request, Optional<Credentials> who) {
        if ("status".equals(request.command())) {
            return true;
        }
        return who.map(c -> c.uid() == ownUid || c.uid() == 0).orElse(false);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to do with it.
        }
    }

    /**
     * The daemon has stopped: waits (a little) for the replies still being written, then
     * closes the connections of those who asked for the stop, which tells them it is over.
     */
    public void finish() {
        try {
            if (clients.tryAcquire(MAX_CLIENTS, SLOWEST.toMillis(), TimeUnit.MILLISECONDS)) {
                clients.release(MAX_CLIENTS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        held.forEach(ControlServer::closeQuietly);
        held.clear();
        deadlines.shutdownNow();
    }

    /** Stops listening; connections of those who asked for a stop stay open until {@link #finish}. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            Files.deleteIfExists(placed);
        } catch (IOException e) {
            // Left behind, it is replaced as stale at the next start.
        }
    }
}
