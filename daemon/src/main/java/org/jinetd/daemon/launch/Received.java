package org.jinetd.daemon.launch;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.policy.Admission;

/**
 * A datagram that policy admitted.
 *
 * @param channel   the service's socket, which replies leave from
 * @param payload   the bytes, read-only
 * @param admission where it holds its places, given back at its end
 */
public record Received(Service service, DatagramChannel channel, ByteBuffer payload, SocketAddress peer,
                       SocketAddress local, Admission.Ticket ticket, Admission admission, long since) {
    String shownPeer() {
        return Peers.shown(peer);
    }
}
