package org.jinetd.daemon.launch;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.policy.Admission;
import org.jinetd.handler.PeerCredentials;

/**
 * A stream connection that policy admitted, on its way to what serves it.
 *
 * @param service the service as it was when the connection came
 * @param channel the connection, blocking
 * @param peer    the client (v4-mapped addresses as IPv4)
 * @param local   the address it reached
 * @param credentials for unix sockets, who connected (SO_PEERCRED)
 * @param ticket  the place it holds in the service's limits
 * @param delay   nanoseconds it waits for its turn by its source's rate before it is served
 * @param spawns  where a spawn that fails for want of processes or memory is reported
 * @param since   {@link System#nanoTime()} at accept
 */
public record Accepted(Service service, SocketChannel channel, SocketAddress peer, SocketAddress local,
                       Optional<PeerCredentials> credentials, Admission.Ticket ticket, long delay, Shortage spawns,
                       long since) {
    public String shownPeer() {
        return Peers.shown(peer);
    }
}
