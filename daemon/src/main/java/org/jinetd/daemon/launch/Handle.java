package org.jinetd.daemon.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.launch.handler.HandlerConnection;
import org.jinetd.daemon.launch.handler.WatchedChannel;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.HandlerScope;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.os.Fds;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.SocketCalls;
import org.jinetd.handler.ReplyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A handler in the JVM serves the connection: on its own thread, or, for a reply known at accept, at once. */
final class Handle {
    /** The client reset the connection, or closed it before a write (errno values). */
    private static final int ECONNRESET = 104;
    private static final int EPIPE = 32;

    private static final Logger LOG = LoggerFactory.getLogger(Handle.class);

    /**
     * A reply is sent with send(2) on the socket's descriptor: the JDK must let us see it,
     * and the C library must have what jinetd calls.
     */
    private static final boolean REPLIES_AT_ONCE = Fds.unavailable().isEmpty() && libcAvailable();

    private final Way way;
    private final ConnectionLog log;

    Handle(Way way, ConnectionLog log) {
        this.way = way;
        this.log = log;
    }

    private static boolean libcAvailable() {
        try {
            return Libc.available();
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * Whether this handler's reply is known at accept, and so is sent without a thread: onto the
     * socket itself, which TLS rules out.
     */
    boolean repliesAtOnce(Passage passage, Launch.Stream stream) {
        return REPLIES_AT_ONCE && stream.reply().isPresent() && passage.service().tls().isEmpty();
    }

    /** The handler, on the connection's own thread, until it returns. */
    void stream(Passage passage, Launch.Stream stream) {
        var ending = passage.ending();
        var entry = way.live(passage);
        Optional<String> error = Optional.empty();
        var thread = Thread.currentThread();
        entry.onAbort(() -> {
            ending.close();
            // A handler blocked on something other than its socket needs the interrupt too.
            thread.interrupt();
        });
        // Its own thread, which ends with it: the plugin's jar is its context from here on.
        stream.plugin().ifPresent(jar -> thread.setContextClassLoader(jar.loader()));
        try (var watchdog = Watchdog.start(passage.service().timeouts(), passage.since(), true, entry)) {
            var connection = connection(passage, new WatchedChannel(passage.plain(), watchdog::touch));
            scope(passage).call(() -> {
                stream.handler().handle(connection);
                return null;
            });
            passage.done();
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

    /**
     * A reply known at accept, sent on the thread at hand (the listener's, when nothing before
     * had to wait) as inetd sends its internal daytime: no thread, no timeouts to watch. It is
     * sent without waiting, so a client that reads nothing cannot hold the listener; what does
     * not fit is finished on a virtual thread like any handler.
     */
    void reply(Passage passage, Launch.Stream stream, ReplyHandler handler) {
        var ending = passage.ending();
        ByteBuffer bytes;
        var thread = Thread.currentThread();
        var context = thread.getContextClassLoader();
        try {
            stream.plugin().ifPresent(jar -> thread.setContextClassLoader(jar.loader()));
            var connection = connection(passage, passage.channel());
            bytes = Objects.requireNonNull(scope(passage).call(() -> handler.reply(connection)),
                    "reply() returned null");
        } catch (RuntimeException | Error e) {
            ending.threw(e);
            return;
        } finally {
            // The thread goes back to the daemon's context.
            thread.setContextClassLoader(context);
        }
        try {
            SocketCalls.sendNow(Fds.of(passage.channel()), bytes);
        } catch (Libc.Failure e) {
            var byClient = e.errno == ECONNRESET ? Optional.of("reset") : e.errno == EPIPE ? Optional.of("closed")
                    : Optional.<String>empty();
            ending.end(byClient, byClient.isPresent() ? Optional.empty() : Optional.of(e.getMessage()));
            return;
        } catch (RuntimeException | LinkageError e) {
            // The descriptor or the C call failed us: the connection's own thread writes it all.
            LOG.warn("service={}: reply not sent at once, sent on a thread: {}", passage.service().name(),
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
        }, Optional.empty(), stream.plugin(), true);
        way.live(passage);
        try {
            Thread.startVirtualThread(() -> stream(passage, rest));
        } catch (OutOfMemoryError | RuntimeException e) {
            ending.end(Optional.empty(), Optional.of("no thread: " + e));
        }
    }

    private static HandlerConnection connection(Passage passage, java.nio.channels.ByteChannel channel) {
        var client = passage.client();
        return new HandlerConnection(passage.service().name(), channel, passage::shutdownOutput, client.address(),
                passage.local(), client.credentials(), client.relay().map(r -> r.by()),
                passage.tls().map(Handle::tlsOf));
    }

    /** The API's view of a TLS session. */
    private static org.jinetd.handler.TlsSession tlsOf(org.jinetd.daemon.tls.Session session) {
        return new org.jinetd.handler.TlsSession(session.protocol(), session.cipherSuite(), session.serverName(),
                session.applicationProtocol(), session.clientChain());
    }

    /** While a handler runs for a connection, what it logs through System.Logger carries the service and client. */
    private HandlerScope scope(Passage passage) {
        return new HandlerScope(log, passage.service().name(), passage.client().address());
    }

    /**
     * Whether the client ended the connection under the handler: {@code reset} when it reset
     * it (ECONNRESET), {@code closed} when it had closed it and the handler wrote on (EPIPE).
     * A handler may wrap the IOException (UncheckedIOException, its own exception): the causes
     * are looked through. The JDK says a reset in English words of its own, but a broken pipe
     * in the C library's, in the daemon's language (the LANG systemd gives the service): those
     * are asked of the C library too.
     */
    static Optional<String> byClient(Throwable thrown) {
        return byClient(thrown, BrokenPipe.WORDS);
    }

    /** As {@link #byClient(Throwable)}, with EPIPE's words in the daemon's language given. */
    static Optional<String> byClient(Throwable thrown, String brokenPipe) {
        var e = thrown;
        for (int depth = 0; e != null && depth < 8; depth++, e = e.getCause()) {
            var message = e instanceof IOException ? e.getMessage() : null;
            if (message != null && message.contains("Connection reset")) {
                return Optional.of("reset");
            }
            if (message != null && (message.contains("Broken pipe") || message.contains(brokenPipe))) {
                return Optional.of("closed");
            }
        }
        return Optional.empty();
    }

    /** EPIPE in the C library's words, as the JDK's message gives them: read at the first error a handler meets. */
    private static final class BrokenPipe {
        static final String WORDS = words();

        private static String words() {
            var words = Libc.describe(EPIPE);
            // Not known (strerror could not be called): the English words alone are looked for.
            return words.isBlank() || words.startsWith("errno ") ? "Broken pipe" : words;
        }
    }
}
