package org.jinetd.daemon.launch;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.Ended;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an admitted stream connection with what its service launches, each on a virtual
 * thread of its own, so that no connection can hold up another or the listener.
 */
public final class StreamLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(StreamLauncher.class);

    private final Live live;
    private final ConnectionLog log;
    private final Spawner spawner;

    public StreamLauncher(Live live, ConnectionLog log, Spawner spawner) {
        this.live = live;
        this.log = log;
        this.spawner = spawner;
    }

    public void launch(Accepted accepted) {
        try {
            Thread.ofVirtual().name(accepted.service().name() + "-conn").start(() -> serve(accepted));
        } catch (OutOfMemoryError | RuntimeException e) {
            // No thread for it: this connection goes, the listener stays.
            end(accepted, Optional.empty(), Optional.of("no thread: " + e));
        }
    }

    private void serve(Accepted accepted) {
        switch (accepted.service().launch()) {
            case Launch.Stream stream -> handle(accepted, stream);
            case Launch.Exec exec -> spawner.serve(accepted, exec);
            case Launch.Redirect redirect -> throw new UnsupportedOperationException("redirect");
            case Launch.Datagrams _ -> throw new IllegalStateException("a datagram handler on a stream service");
        }
    }

    private void handle(Accepted accepted, Launch.Stream stream) {
        Optional<String> error = Optional.empty();
        var thread = Thread.currentThread();
        var entry = live.add(() -> {
            close(accepted);
            // A handler blocked on something other than its socket needs the interrupt too.
            thread.interrupt();
        });
        try (entry) {
            stream.handler().handle(new HandlerConnection(accepted));
        } catch (IOException e) {
            // The client went away or the handler gave up on it: that connection's end, nothing more.
            if (!entry.aborted()) {
                error = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("service={} peer={} handler={} threw", accepted.service().name(), accepted.shownPeer(),
                    stream.name(), e);
            error = Optional.of(e.toString());
        }
        end(accepted, entry.aborted() ? Optional.of("stop") : Optional.empty(), error);
    }

    private void end(Accepted accepted, Optional<String> reason, Optional<String> error) {
        close(accepted);
        accepted.ticket().release();
        log.ended(new Ended(accepted.service().name(), accepted.shownPeer(), OptionalLong.empty(),
                OptionalLong.empty(), Optional.empty(), reason, error,
                Duration.ofNanos(System.nanoTime() - accepted.since())));
    }

    static void close(Accepted accepted) {
        try {
            accepted.channel().close();
        } catch (IOException e) {
            // Closing a socket that already failed: nothing left to do with it.
        }
    }
}
