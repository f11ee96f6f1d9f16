package org.jinetd.daemon.listen;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Optional;
import org.jinetd.daemon.config.Endpoint;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.launch.Received;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.policy.Admission;

/** A UDP listener: one platform thread receives, each datagram is served on a virtual thread. */
public final class DatagramListener implements Listener {
    /** The largest UDP payload over IPv4. */
    private static final int MAX_DATAGRAM = 65_507;

    private final DatagramChannel channel;
    private final Served served;
    private final Admission admission;
    private volatile Service service;
    private volatile boolean closed;
    private volatile WaitLoop.Started started = new WaitLoop.Started(null, null);

    private DatagramListener(Service service, DatagramChannel channel, Served served) {
        this.service = service;
        this.channel = channel;
        this.served = served;
        this.admission = new Admission(service, served.global(), served.reflection(), served.log());
    }

    static DatagramListener bind(Service service, Served served, Optional<DatagramChannel> given)
            throws BindException {
        if (given.isPresent()) {
            return new DatagramListener(service, given.get(), served);
        }
        var inet = (Endpoint.Inet) service.endpoint();
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open(inet.bind() instanceof Inet4Address
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (service.socket().reuseport()) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (!(inet.bind() instanceof Inet4Address) && service.socket().v6only()) {
                org.jinetd.daemon.os.NativeOptions.v6only(channel);
            }
            channel.bind(new InetSocketAddress(inet.bind(), inet.port()));
            return new DatagramListener(service, channel, served);
        } catch (IOException e) {
            StreamListener.closeQuietly(channel);
            throw new BindException("%s: bind %s: %s".formatted(service.label(), inet.shown(), Sockets.reason(e)), e);
        }
    }

    @Override
    public Service service() {
        return service;
    }

    /** Waits for the datagram being admitted, if one is (see {@link StreamListener#update}). */
    @Override
    public synchronized void update(Service next) {
        this.service = next;
    }

    @Override
    public java.net.SocketAddress address() throws IOException {
        return channel.getLocalAddress();
    }

    @Override
    public void start() {
        started = WaitLoop.start(service, channel, this::service, served, this::receiveLoop);
    }

    private void receiveLoop() {
        var buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        java.net.SocketAddress local;
        try {
            local = Peers.plain(channel.getLocalAddress());
        } catch (IOException e) {
            return;
        }
        while (!closed) {
            java.net.SocketAddress peer;
            try {
                peer = channel.receive(buffer.clear());
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // An ICMP error from an earlier reply, or a short resource: this datagram only.
                continue;
            }
            if (peer == null) {
                continue;
            }
            peer = Peers.plain(peer);
            synchronized (this) {
                admit(buffer, peer, local);
            }
        }
    }

    /** One datagram, under the lock of {@link #update}: it is launched with the service it was admitted for. */
    private void admit(ByteBuffer buffer, java.net.SocketAddress peer, java.net.SocketAddress local) {
        var current = service;
        if (!admission.enter()) {
            served.log().refused(current.name(), Peers.shown(peer), "global");
            return;
        }
        switch (admission.admitDatagram((InetSocketAddress) peer, current)) {
            case Admission.Verdict.Refused refused -> {
                admission.leave();
                if (!refused.counted()) {
                    served.log().refused(current.name(), Peers.shown(peer), refused.reason());
                }
            }
            case Admission.Verdict.Admitted admitted -> {
                var payload = ByteBuffer.allocate(buffer.flip().remaining()).put(buffer).flip().asReadOnlyBuffer();
                served.datagrams().launch(new Received(current, channel, payload, peer, local, admitted.ticket(),
                        admission, System.nanoTime()));
            }
        }
    }

    @Override
    public String state() {
        return admission.limited() ? "limited" : "listening";
    }

    @Override
    public int live() {
        return admission.live();
    }

    @Override
    public void close() {
        closed = true;
        started.stop();
        StreamListener.closeQuietly(channel);
        started.join();
    }
}
