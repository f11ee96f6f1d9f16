package org.jinetd.daemon.listen;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.function.Supplier;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.launch.Readiness;

/**
 * inetd's wait mode: when the socket has a client (or a datagram), its program gets the
 * listening socket itself; the socket is not watched again until that program has exited.
 */
final class WaitLoop {
    private static final long RETRY_MS = 1_000;

    private final Channel socket;
    private final Supplier<Service> service;
    private final Served served;
    private final Readiness readiness;

    WaitLoop(Channel socket, Supplier<Service> service, Served served) throws IOException {
        this.socket = socket;
        this.service = service;
        this.served = served;
        this.readiness = new Readiness(socket);
    }

    /** Runs on the listener's thread until {@link #stop}. */
    void run() {
        try {
            while (readiness.await()) {
                var current = service.get();
                var exec = (Launch.Exec) current.launch();
                if (!served.spawner().serveWaiting(current, exec, socket)) {
                    // It could not start; the client is still waiting in the socket. Do not spin on it.
                    pause();
                }
            }
        } finally {
            readiness.dispose();
        }
    }

    void stop() {
        readiness.close();
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean waits(Service service) {
        return service.launch() instanceof Launch.Exec exec && exec.waits();
    }
}
