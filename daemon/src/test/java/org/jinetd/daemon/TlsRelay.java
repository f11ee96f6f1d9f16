package org.jinetd.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A plain loopback port in front of a TLS service, as stunnel's client mode is: each
 * connection to it is carried to the service inside TLS (the JDK's client), both ways, and
 * each side's end of input passed on as the other's half-close (close_notify one way, FIN
 * the other), which a client such as git needs and {@code openssl s_client} cannot do.
 */
final class TlsRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread acceptor;

    TlsRelay(int target, SSLContext context, Consumer<SSLParameters> tune) throws IOException {
        listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("tls relay").start(() -> {
            while (!listener.isClosed()) {
                try {
                    var plain = listener.accept();
                    Thread.ofVirtual().start(() -> carry(plain, target, context, tune));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    private static void carry(Socket plain, int target, SSLContext context, Consumer<SSLParameters> tune) {
        try (plain; var secure = TlsClients.connect(context, target, tune)) {
            // The service and its client decide how long they talk; the relay waits as long.
            secure.setSoTimeout(0);
            var back = Thread.ofVirtual().start(() -> copy(secure::getInputStream, plain::getOutputStream,
                    plain::shutdownOutput));
            copy(plain::getInputStream, secure::getOutputStream, secure::shutdownOutput);
            back.join();
        } catch (IOException | InterruptedException e) {
            // One relayed connection fails; the client sees its end.
        }
    }

    private interface Input {
        InputStream get() throws IOException;
    }

    private interface Output {
        OutputStream get() throws IOException;
    }

    private interface End {
        void run() throws IOException;
    }

    private static void copy(Input from, Output to, End end) {
        try {
            from.get().transferTo(to.get());
            end.run();
        } catch (IOException e) {
            // That side is gone: so is the copy.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        try {
            acceptor.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
