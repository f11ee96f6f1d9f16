package org.jinetd.daemon.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.HandlerScope;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.os.Fds;
import org.jinetd.daemon.os.Libc;
import org.jinetd.handler.ReplyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jinetd.daemon.launch.handler.HandlerConnection;
import org.jinetd.daemon.launch.handler.WatchedChannel;

/**
 * Serves an admitted stream connection with what its service launches, each on a virtual
 * thread of its own, so that no connection can hold up another or the listener: the
 * client's share of the rate first, then the banner, then the handler, program or redirect.
 */
public final class StreamLauncher {
    /** The client reset the connection, or closed it before a write (errno values). */
    private static final int ECONNRESET = 104;
    private static final int EPIPE = 32;

    private static final Logger LOG = LoggerFactory.getLogger(StreamLauncher.class);

    /**
     * A reply is sent with send(2) on the socket's descriptor: the JDK must let us see it,
     * and the C library must have what jinetd calls.
     */
    private static final boolean REPLIES_AT_ONCE = Fds.unavailable().isEmpty() && libcAvailable();

    private final Live live;
    private final ConnectionLog log;
    private final Spawner spawner;

    public StreamLauncher(Live live, ConnectionLog log, Spawner spawner) {
        this.live = live;
        this.log = log;
        this.spawner = spawner;
    }

    private static boolean libcAvailable() {
        try {
            return Libc.available();
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * Serves an admitted connection. Whatever fails on its way ends this connection, with its
     * line, its place given back and its socket closed, and never the listener that called.
     */
    public void launch(Accepted accepted) {
        var ending = Ending.of(accepted, log);
        try {
            var service = accepted.service();
            if (REPLIES_AT_ONCE && service.launch() instanceof Launch.Stream stream && stream.reply().isPresent()
                    && nothingFirst(accepted)) {
                // Over before this listener can close (or on a thread of its own): a stop need not know of it here.
                reply(accepted, stream, stream.reply().get(), ending);
                return;
            }
            ending.live(register(accepted));
            if (service.launch() instanceof Launch.Exec exec && spawner.spawnsAtOnce(exec) && nothingFirst(accepted)) {
                // Nothing to wait for before the spawn, and nothing to do until the program is
                // reaped: spawned here, on the listener's thread, as inetd forks in its loop.
                spawner.serve(accepted, exec, ending);
                return;
            }
            start(ending, () -> serve(accepted, ending));
        } catch (RuntimeException | LinkageError e) {
            ending.threw(e);
        }
    }

    /** Whether nothing has to happen before the service runs (a banner, a wait for the client's turn). */
    private static boolean nothingFirst(Accepted accepted) {
        return accepted.service().banners().banner().isEmpty() && accepted.delay() == 0;
    }

    /**
     * From here until its end the connection is live: a stop waits for it and, after the
     * grace, ends it, whatever stage it has reached.
     */
    private Live.Entry register(Accepted accepted) {
        return live.add(accepted.service().name(), accepted.peer(), accepted.since(), () -> close(accepted));
    }

    private static void start(Ending ending, Runnable work) {
        try {
            Thread.startVirtualThread(work);
        } catch (OutOfMemoryError | RuntimeException e) {
            // No thread for it: this connection goes, the listener stays.
            ending.end(Optional.empty(), Optional.of("no thread: " + e));
        }
    }

    private void serve(Accepted accepted, Ending ending) {
        var entry = ending.entry();
        var thread = Thread.currentThread();
        // Waiting for its rate or sending the banner: the socket closes, the thread wakes.
        entry.onAbort(() -> {
            close(accepted);
            thread.interrupt();
        });
        if (!awaitTurn(accepted, ending)) {
            return;
        }
        if (!banner(accepted)) {
            ending.end(entry.reason(), entry.reason().isPresent() ? Optional.empty()
                    : Optional.of("client gone before the banner"));
            return;
        }
        switch (accepted.service().launch()) {
            case Launch.Stream stream -> handle(accepted, stream, ending);
            case Launch.Exec exec -> spawner.serve(accepted, exec, ending);
            case Launch.Redirect redirect -> redirect(accepted, redirect, ending);
            case Launch.Datagrams _ -> throw new IllegalStateException("a datagram handler on a stream service");
        }
    }

    /**
     * The turn policy reserved for the client by its source's rate: it waits that long.
     * False if a stop ended it meanwhile, and so it is over.
     */
    private static boolean awaitTurn(Accepted accepted, Ending ending) {
        if (accepted.delay() == 0) {
            return true;
        }
        try {
            Thread.sleep(Duration.ofNanos(accepted.delay()));
            return true;
        } catch (InterruptedException e) {
            ending.end(ending.entry().reason(), Optional.empty());
            return false;
        }
    }

    /** xinetd's banner: sent before anything runs for the client. False if the client is gone. */
    private static boolean banner(Accepted accepted) {
        return accepted.service().banners().banner().map(text -> send(accepted, text)).orElse(true);
    }

    private static boolean send(Accepted accepted, String text) {
        try {
            var bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                accepted.channel().write(bytes);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void handle(Accepted accepted, Launch.Stream stream, Ending ending) {
        var entry = ending.entry();
        Optional<String> error = Optional.empty();
        var thread = Thread.currentThread();
        entry.onAbort(() -> {
            close(accepted);
            // A handler blocked on something other than its socket needs the interrupt too.
            thread.interrupt();
        });
        // Its own thread, which ends with it: the plugin's jar is its context from here on.
        stream.plugin().ifPresent(jar -> thread.setContextClassLoader(jar.loader()));
        try (var watchdog = Watchdog.start(accepted.service().timeouts(), accepted.since(), true, entry)) {
            var connection = new HandlerConnection(accepted, new WatchedChannel(accepted.channel(), watchdog));
            scope(accepted).call(() -> {
                stream.handler().handle(connection);
                return null;
            });
        } catch (IOException | RuntimeException | Error e) {
            if (entry.reason().isEmpty()) {
                // The client reset or closed under the handler: its doing, not the handler's failure.
                var byClient = byClient(e);
                if (byClient.isPresent()) {
                    ending.end(byClient, error);
                    return;
                }
                if (!(e instanceof IOException)) {
                    // One line for the failure, the connection's, with where the handler threw.
                    ending.threw(e);
                    return;
                }
                error = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        ending.end(entry.reason(), error);
    }

    /** While a handler runs for a connection, what it logs through System.Logger carries the service and client. */
    private HandlerScope scope(Accepted accepted) {
        return new HandlerScope(log, accepted.service().name(), accepted.peer());
    }

    /**
     * Whether the client ended the connection under the handler: {@code reset} when it reset
     * it (ECONNRESET), {@code closed} when it had closed it and the handler wrote on (EPIPE).
     * A handler may wrap the IOException (UncheckedIOException, its own exception): the causes
     * are looked through.
     */
    static Optional<String> byClient(Throwable thrown) {
        var e = thrown;
        for (int depth = 0; e != null && depth < 8; depth++, e = e.getCause()) {
            var message = e instanceof IOException ? e.getMessage() : null;
            if (message != null && message.contains("Connection reset")) {
                return Optional.of("reset");
            }
            if (message != null && message.contains("Broken pipe")) {
                return Optional.of("closed");
            }
        }
        return Optional.empty();
    }

    /**
     * A reply known at accept, sent here on the listener's thread as inetd sends its internal
     * daytime: no thread, no timeouts to watch. It is sent without waiting, so a client that
     * reads nothing cannot hold the listener; what does not fit is finished on a virtual
     * thread like any handler.
     */
    private void reply(Accepted accepted, Launch.Stream stream, ReplyHandler handler, Ending ending) {
        ByteBuffer bytes;
        var thread = Thread.currentThread();
        var context = thread.getContextClassLoader();
        try {
            stream.plugin().ifPresent(jar -> thread.setContextClassLoader(jar.loader()));
            var connection = new HandlerConnection(accepted, accepted.channel());
            bytes = Objects.requireNonNull(scope(accepted).call(() -> handler.reply(connection)),
                    "reply() returned null");
        } catch (RuntimeException | Error e) {
            ending.threw(e);
            return;
        } finally {
            // The listener's own thread: it goes back to the daemon's context.
            thread.setContextClassLoader(context);
        }
        try {
            Libc.sendNow(Fds.of(accepted.channel()), bytes);
        } catch (Libc.Failure e) {
            var byClient = e.errno == ECONNRESET ? Optional.of("reset") : e.errno == EPIPE ? Optional.of("closed")
                    : Optional.<String>empty();
            ending.end(byClient, byClient.isPresent() ? Optional.empty() : Optional.of(e.getMessage()));
            return;
        } catch (RuntimeException | LinkageError e) {
            // The descriptor or the C call failed us: the connection's own thread writes it all.
            LOG.warn("service={}: reply not sent at once, sent on a thread: {}", accepted.service().name(),
                    LogText.thrown(e));
        }
        if (!bytes.hasRemaining()) {
            ending.end(Optional.empty(), Optional.empty());
            return;
        }
        // The client's socket took only part: the rest is written on a thread of its own.
        var rest = new Launch.Stream(stream.name(), stream.options(), connection -> {
            while (bytes.hasRemaining()) {
                connection.channel().write(bytes);
            }
        }, Optional.empty(), stream.plugin());
        ending.live(register(accepted));
        start(ending, () -> handle(accepted, rest, ending));
    }

    private static void redirect(Accepted accepted, Launch.Redirect target, Ending ending) {
        var entry = ending.entry();
        entry.onAbort(() -> close(accepted));
        Optional<String> error;
        try (var watchdog = Watchdog.start(accepted.service().timeouts(), accepted.since(), true, entry)) {
            error = Redirect.forward(accepted, target, watchdog);
        }
        ending.end(entry.reason(), error);
    }

    static void close(Accepted accepted) {
        try {
            accepted.channel().close();
        } catch (IOException e) {
            // Closing a socket that already failed: nothing left to do with it.
        }
    }
}
