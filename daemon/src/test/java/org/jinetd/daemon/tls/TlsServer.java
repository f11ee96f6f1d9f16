package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.config.Tls;

/**
 * A TLS server on a loopback port, as the daemon will run one: each connection on a virtual
 * thread of its own, its handshake run there, then (by default) an echo of the plaintext
 * until the client's EOF, then close_notify. What each handshake and each connection came
 * to is kept for the test.
 */
final class TlsServer implements AutoCloseable {
    /** What a connection does once secured. */
    interface Serve {
        void serve(TlsChannel channel) throws IOException;
    }

    final ServerContext context;
    final BlockingQueue<Handshake.Outcome> outcomes = new LinkedBlockingQueue<>();
    /** How each secured connection ended: "done", or the exception its serving threw. */
    final BlockingQueue<String> ends = new LinkedBlockingQueue<>();
    private final ServerSocketChannel listener;
    private final Thread acceptor;
    private final Serve serve;

    TlsServer(Tls tls) throws IOException {
        this(tls, TlsServer::echo);
    }

    TlsServer(Tls tls, Serve serve) throws IOException {
        this.context = new ServerContext(tls);
        this.serve = serve;
        this.listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = Thread.ofPlatform().name("tls test acceptor").start(this::accept);
    }

    int port() {
        return listener.socket().getLocalPort();
    }

    /** The next handshake's outcome, waited for at most 60 s. */
    Handshake.Outcome next() throws InterruptedException {
        var outcome = outcomes.poll(60, TimeUnit.SECONDS);
        assertNotNull(outcome, "no handshake ended within 60 s");
        return outcome;
    }

    /** How the next secured connection ended, waited for at most 60 s. */
    String nextEnd() throws InterruptedException {
        var end = ends.poll(60, TimeUnit.SECONDS);
        assertNotNull(end, "no connection ended within 60 s");
        return end;
    }

    private void accept() {
        while (listener.isOpen()) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> connection(client));
        }
    }

    private void connection(SocketChannel client) {
        try (client) {
            var outcome = Handshake.run(client, context);
            outcomes.add(outcome);
            if (outcome instanceof Handshake.Secured(var channel)) {
                try (channel) {
                    serve.serve(channel);
                    ends.add("done");
                } catch (IOException | RuntimeException e) {
                    ends.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            ends.add("close: " + e);
        }
    }

    static void echo(TlsChannel channel) throws IOException {
        var buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            channel.write(buffer);
            buffer.clear();
        }
        channel.shutdownOutput();
    }

    @Override
    public void close() throws Exception {
        listener.close();
        acceptor.join(10_000);
    }
}
