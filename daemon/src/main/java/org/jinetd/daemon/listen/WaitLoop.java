package org.jinetd.daemon.listen;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.function.Supplier;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.os.Readiness;

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

    /** A listener's running thread, and its wait loop where the service waits. */
    record Started(Thread thread, WaitLoop waitLoop) {
        /** Stops the wait loop, if any; a listener closes its socket after this. */
        void stop() {
            if (waitLoop != null) {
                waitLoop.stop();
            }
        }

        /** Waits for an accept or receive loop to end; a wait loop may be minding its program still. */
        void join() {
            if (thread == null || waitLoop != null) {
                return;
            }
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts a listener's thread: its own loop ({@code accepting}), or the wait loop when the
     * service waits. No thread, and a warning, if the socket cannot be waited on.
     */
    static Started start(Service service, Channel socket, Supplier<Service> current, Served served,
                         Runnable accepting) {
        Runnable loop = accepting;
        WaitLoop waiting = null;
        if (waits(service)) {
            try {
                waiting = new WaitLoop(socket, current, served);
                loop = waiting::run;
            } catch (IOException e) {
                served.log().warn("%s: cannot wait on the socket: %s".formatted(service.label(), Sockets.reason(e)));
                return new Started(null, null);
            }
        }
        var thread = Thread.ofPlatform().name("listen-" + service.label()).daemon(true).start(loop);
        return new Started(thread, waiting);
    }
}
