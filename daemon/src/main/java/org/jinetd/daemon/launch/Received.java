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
 * @param channel the service's socket, which replies leave from
 * @param payload the bytes, read-only
 */
public record Received(Service service, DatagramChannel channel, ByteBuffer payload, SocketAddress peer,
                       SocketAddress local, Admission.Ticket ticket, long since) {
    String shownPeer() {
        return Peers.shown(peer);
    }
}
