package org.jinetd.builtin;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.jinetd.handler.Datagram;

/** The smallest {@link Datagram}: what was received, and the socket to answer from. */
record ReceivedDatagram(DatagramChannel socket, ByteBuffer payload, SocketAddress peer, SocketAddress local,
        String service) implements Datagram {

    @Override
    public ByteBuffer payload() {
        // A view per call, so a handler that reads it twice sees it from the start each time.
        return payload.asReadOnlyBuffer();
    }

    @Override
    public void reply(ByteBuffer answer) throws IOException {
        socket.send(answer, peer);
    }
}
