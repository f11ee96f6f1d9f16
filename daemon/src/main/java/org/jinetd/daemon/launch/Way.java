package org.jinetd.daemon.launch;

import java.util.List;
import java.util.Optional;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.tls.ServerContexts;

/**
 * The way of a stream connection through the daemon, in order, each step a class of its own:
 *
 * <pre>
 *   accept    the listener's thread: accept, and max_connections  (listen.StreamListener)
 *   identify  who it is from: the socket's peer, or the client a
 *             balancer's PROXY header names                          {@link Identify}
 *   admit     policy, once, with that client                         {@link Admit}
 *   turn      its source's rate: it waits for its turn               {@link Turn}
 *   secure    TLS, where tls: is set: the whole handshake            {@link Secure}
 *   greet     the banner                                             {@link Greet}
 *   launch    a handler, a program (the socket itself, or pipes),
 *             a redirect                                             {@link Start}
 *   end       one close, one release, one line                       {@link Ending}
 * </pre>
 *
 * A step that may wait runs on the connection's own virtual thread, with a deadline; until
 * one does, the steps run on the listener's thread, so that a reply known at accept, or a
 * program spawned on its socket, costs no thread, as in inetd. Whatever fails on the way ends
 * that connection, with its line, never the listener.
 */
public final class Way {
    private final List<Step> steps;
    private final Live live;

    /** @param contexts the TLS server contexts of the table's services, kept up to date by reloads */
    public Way(Live live, ConnectionLog log, Spawner spawner, ServerContexts contexts) {
        this.live = live;
        this.steps = List.of(new Identify(), new Admit(), new Turn(), new Secure(contexts), new Greet(),
                new Start(this, log, spawner));
    }

    /**
     * Refuses a connection at accept, before it has a place anywhere (max_connections, or a
     * rate shedding what its queue cannot hold): as a refusal at any later step.
     */
    public static void refuseAtAccept(org.jinetd.daemon.config.Service service, java.nio.channels.SocketChannel socket,
                                      java.net.SocketAddress peer, String reason, boolean logged, ConnectionLog log) {
        Ending.refuseAtAccept(service, socket, peer, reason, logged, log);
    }

    /** Takes a connection just accepted, on the listener's thread. */
    public void start(Passage passage) {
        walk(passage, 0, false);
    }

    private void walk(Passage passage, int from, boolean own) {
        try {
            for (int i = from; i < steps.size(); i++) {
                var step = steps.get(i);
                if (!own && step.waits(passage)) {
                    switch (step.passAtOnce(passage)) {
                        case PASSED -> {
                            continue;
                        }
                        case ENDED -> {
                            return;
                        }
                        case WAITS -> {
                            hop(passage, i);
                            return;
                        }
                    }
                }
                if (!step.pass(passage)) {
                    return;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            passage.ending().threw(e);
        }
    }

    /** Goes on from step {@code from} on a virtual thread of the connection's own. */
    private void hop(Passage passage, int from) {
        var ending = passage.ending();
        Thread thread;
        try {
            thread = Thread.ofVirtual().unstarted(() -> walk(passage, from, true));
        } catch (OutOfMemoryError | RuntimeException e) {
            // No thread for it: this connection goes, the listener stays.
            ending.end(Optional.empty(), Optional.of("no thread: " + e));
            return;
        }
        // Until a step says otherwise, ending it early closes its socket and wakes its thread.
        live(passage).onAbort(() -> {
            ending.close();
            thread.interrupt();
        });
        try {
            thread.start();
        } catch (OutOfMemoryError | RuntimeException e) {
            ending.end(Optional.empty(), Optional.of("no thread: " + e));
        }
    }

    /**
     * From here until its end the connection is live: a stop waits for it and, after the
     * grace, ends it, whatever step it has reached. Registered once, when it first leaves the
     * listener's thread or starts what outlives it.
     */
    Live.Entry live(Passage passage) {
        var ending = passage.ending();
        var entry = ending.entry();
        if (entry == null) {
            entry = live.add(passage.service().name(), ending::peer, passage.since(), ending::close);
            ending.live(entry);
        }
        return entry;
    }
}
