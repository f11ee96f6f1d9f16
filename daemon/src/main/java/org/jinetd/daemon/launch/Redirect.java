package org.jinetd.daemon.launch;

import java.io.IOException;
import java.net.InetSocketAddress;
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

    /** Forwards until both directions are done; returns an error if the target could not be reached. */
    static Optional<String> forward(Accepted accepted, Launch.Redirect target, Watchdog watchdog) {
        SocketChannel upstream;
        try {
            upstream = SocketChannel.open();
            try {
                upstream.connect(new InetSocketAddress(target.host(), target.port()));
            } catch (IOException | RuntimeException e) {
                upstream.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of("redirect to " + target.host() + ":" + target.port() + ": " + e.getMessage());
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
