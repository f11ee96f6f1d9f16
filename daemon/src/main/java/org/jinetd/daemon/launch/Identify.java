package org.jinetd.daemon.launch;

import java.io.IOException;
import java.util.Optional;
import org.jinetd.daemon.client.Identification;
import org.jinetd.daemon.config.Endpoint;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.os.Credentials;

/**
 * Who the connection is from: the socket's peer (and a unix client's credentials), or, where
 * the service has {@code proxy:}, the client its balancer's header names, read within
 * {@code proxy.timeout}: on the listener's thread where the socket holds the whole header at
 * accept (as a balancer sends it), else on the connection's own thread. Fixed here, once, for all
 * that follows.
 */
final class Identify implements Step {
    @Override
    public boolean waits(Passage passage) {
        return passage.service().proxy().isPresent();
    }

    @Override
    public AtOnce passAtOnce(Passage passage) {
        return identify(passage, false).map(passed -> passed ? AtOnce.PASSED : AtOnce.ENDED).orElse(AtOnce.WAITS);
    }

    @Override
    public boolean pass(Passage passage) {
        return identify(passage, true).orElseThrow();
    }

    /**
     * Whether the client's bytes after its balancer's header must stay in the socket: a program
     * that inherits it reads them there, and a TLS handshake reads the socket itself. Elsewhere
     * the daemon reads all that follows (for a handler, pipes, a redirect), so the header and
     * what came with it are taken in one read, and those bytes are read first.
     */
    private static boolean exact(Service service) {
        return service.tls().isPresent()
                || service.launch() instanceof Launch.Exec exec && exec.io() == Launch.Io.INHERIT;
    }

    /** Whether it goes on; empty where {@code wait} is false and its header has yet to come. */
    private static Optional<Boolean> identify(Passage passage, boolean wait) {
        var ending = passage.ending();
        Identification.Outcome outcome;
        try {
            var peer = Peers.plain(passage.channel().getRemoteAddress());
            Optional<Credentials> credentials = Optional.empty();
            if (passage.service().endpoint() instanceof Endpoint.Unix) {
                credentials = Credentials.of(passage.channel());
            }
            var proxy = passage.service().proxy();
            if (wait) {
                var begun = passage.begun();
                // What was taken of the header is the header's: the connection keeps none of it.
                passage.begun(Identification.Begun.NOTHING);
                outcome = Identification.identify(passage.channel(), peer, credentials, proxy, begun);
            } else {
                switch (Identification.identifyNow(passage.channel(), peer, credentials, proxy, exact(passage.service()))) {
                    case Identification.Now.Done done -> outcome = done.outcome();
                    case Identification.Now.Waits waits -> {
                        passage.begun(waits.begun());
                        return Optional.empty();
                    }
                }
            }
        } catch (IOException e) {
            // Reset before it was looked at, or closed by a stop while its header was read.
            var entry = ending.entry();
            if (entry != null && entry.reason().isPresent()) {
                ending.end(entry.reason(), Optional.empty());
            } else {
                ending.endCounted();
            }
            return Optional.of(false);
        }
        switch (outcome) {
            case Identification.Outcome.Identified identified -> {
                passage.identified(identified.client());
                if (identified.after().hasRemaining()) {
                    passage.readAhead(identified.after());
                }
                return Optional.of(true);
            }
            case Identification.Outcome.Refused refused -> {
                var entry = ending.entry();
                if (entry != null && entry.reason().isPresent()) {
                    // A stop closed it while its header was read: that is why it ends.
                    ending.end(entry.reason(), Optional.empty());
                } else {
                    passage.refuse(refused.reason(), true, refused.why());
                }
                return Optional.of(false);
            }
        }
    }
}
