package org.jinetd.daemon.launch;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.jinetd.daemon.config.Launch;

/**
 * xinetd's {@code redirect}: the daemon connects to the target and copies bytes both ways,
 * passing each side's end-of-stream on as a half-close to the other.
 */
final class Redirect {
    private static final int BUFFER = 16 * 1024;

    private Redirect() {}

    /**
     * Forwards until both directions are done; returns an error if the target could not be
     * reached within {@code connect_timeout} (its name looked up, then its handshake).
     */
    static Optional<String> forward(Accepted accepted, Launch.Redirect target, Watchdog watchdog) {
        var within = accepted.service().timeouts().connectWithin(Duration.ofNanos(System.nanoTime() - accepted.since()));
        long deadline = System.nanoTime() + within.toNanos();
        var where = "redirect to " + target.host() + ":" + target.port() + ": ";
        SocketChannel upstream;
        try {
            var address = resolve(target, within);
            if (address.isEmpty()) {
                return Optional.of(where + "no address for its name within " + shown(within));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.of(where + "no answer within " + shown(within));
            }
            upstream = SocketChannel.open();
            try {
                // The channel's adaptor waits at most this long for the handshake.
                upstream.socket().connect(address.get(), (int) Math.max(1, left / 1_000_000));
            } catch (IOException | RuntimeException e) {
                upstream.close();
                throw e;
            }
        } catch (SocketTimeoutException e) {
            return Optional.of(where + "no answer within " + shown(within));
        } catch (IOException | RuntimeException e) {
            return Optional.of(where + e.getMessage());
        }
        try (upstream) {
            var back = Thread.ofVirtual().start(() -> copy(upstream, accepted.channel(), watchdog));
            copy(accepted.channel(), upstream, watchdog);
            try {
                back.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } catch (IOException e) {
            // Closing a socket that already failed.
        }
        return Optional.empty();
    }

    /**
     * The target's address: looked up on a thread of its own, as a resolver that does not
     * answer holds its caller for as long as it likes; empty if it took longer than {@code within}.
     */
    private static Optional<InetSocketAddress> resolve(Launch.Redirect target, Duration within) throws IOException {
        var lookup = new CompletableFuture<InetSocketAddress>();
        Thread.ofVirtual().name("resolve-" + target.host()).start(() -> {
            var address = new InetSocketAddress(target.host(), target.port());
            lookup.complete(address);
        });
        try {
            var address = lookup.get(within.toNanos(), TimeUnit.NANOSECONDS);
            if (address.isUnresolved()) {
                throw new UnknownHostException(target.host() + ": name not known");
            }
            return Optional.of(address);
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static String shown(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** One direction; the source's EOF half-closes the destination. */
    private static void copy(SocketChannel from, SocketChannel to, Watchdog watchdog) {
        var buffer = ByteBuffer.allocate(BUFFER);
        try {
            while (from.read(buffer.clear()) >= 0) {
                watchdog.touch();
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // One side went away: close both, so the other direction ends too.
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }
}
