package org.jinetd.daemon.control;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import sun.misc.Signal;

/**
 * The signals a running daemon answers, as requests on a queue that the main thread takes
 * one at a time: SIGTERM and SIGINT stop it, SIGHUP reloads the table. The control socket
 * and the thread that reads a table anew put their requests on the same queue. Handled here rather
 * than in a shutdown hook, so that a stop drains and then exits 0, as systemd expects.
 */
public final class Signals {
    /** What was asked. */
    public sealed interface Request {
        record Stop(String signal) implements Request {}

        /** @param reply where the outcome goes, for a reload asked on the control socket; null for SIGHUP */
        record Reload(String from, java.util.concurrent.CompletableFuture<ControlMessages.Reply> reply)
                implements Request {}

        /** A table read anew on another thread, for the main thread to apply. */
        record Read(org.jinetd.daemon.config.Loaded outcome) implements Request {}
    }

    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

    public Signals install() {
        for (var name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> requests.add(new Request.Stop("SIG" + signal.getName())));
        }
        Signal.handle(new Signal("HUP"), signal -> requests.add(new Request.Reload("SIGHUP", null)));
        return this;
    }

    /** Asks from inside, as the control socket does. */
    public void request(Request request) {
        requests.add(request);
    }

    /** Blocks until the next request. */
    public Request next() throws InterruptedException {
        return requests.take();
    }
}
