package org.jinetd.daemon.launch;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Optional;
import org.jinetd.daemon.client.Identification;
import org.jinetd.daemon.config.Endpoint;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.os.Credentials;

/**
 * Who the connection is from: the socket's peer (and a unix client's credentials), or, where
 * the service has {@code proxy:}, the client its balancer's header names, read within
 * {@code proxy.timeout} on the connection's own thread. Fixed here, once, for all that follows.
 */
final class Identify implements Step {
    @Override
    public boolean waits(Passage passage) {
        return passage.service().proxy().isPresent();
    }

    @Override
    public boolean pass(Passage passage) {
        var ending = passage.ending();
        SocketAddress peer;
        Optional<Credentials> credentials = Optional.empty();
        Identification.Outcome outcome;
        try {
            peer = Peers.plain(passage.channel().getRemoteAddress());
            if (passage.service().endpoint() instanceof Endpoint.Unix) {
                credentials = Credentials.of(passage.channel());
            }
            outcome = Identification.identify(passage.channel(), peer, credentials, passage.service().proxy());
        } catch (IOException e) {
            // Reset before it was looked at, or closed by a stop while its header was read.
            var entry = ending.entry();
            if (entry != null && entry.reason().isPresent()) {
                ending.end(entry.reason(), Optional.empty());
            } else {
                ending.endCounted();
            }
            return false;
        }
        switch (outcome) {
            case Identification.Outcome.Identified identified -> {
                passage.identified(identified.client());
                return true;
            }
            case Identification.Outcome.Refused refused -> {
                var entry = ending.entry();
                if (entry != null && entry.reason().isPresent()) {
                    // A stop closed it while its header was read: that is why it ends.
                    ending.end(entry.reason(), Optional.empty());
                } else {
                    passage.refuse(refused.reason(), true, refused.why());
                }
                return false;
            }
        }
    }
}
