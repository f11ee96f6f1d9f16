package org.jinetd.daemon.listen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jinetd.daemon.config.Endpoint;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.config.Transport;

/**
 * Listening sockets passed in by systemd, waiting to be claimed by the service whose
 * address they have. A service with no passed socket binds its own.
 */
public final class Passed {
    private final List<NetworkChannel> unclaimed;

    public Passed(List<NetworkChannel> sockets) {
        this.unclaimed = new ArrayList<>(sockets);
    }

    public static Passed none() {
        return new Passed(List.of());
    }

    /** The passed socket with {@code service}'s protocol and address, taken out of the pool. */
    synchronized Optional<NetworkChannel> claim(Service service) {
        for (var channel : unclaimed) {
            if (matches(channel, service)) {
                unclaimed.remove(channel);
                return Optional.of(channel);
            }
        }
        return Optional.empty();
    }

    private static boolean matches(NetworkChannel channel, Service service) {
        SocketAddress local;
        try {
            local = channel.getLocalAddress();
        } catch (IOException e) {
            return false;
        }
        return switch (service.endpoint()) {
            case Endpoint.Inet inet -> (inet.transport() == Transport.TCP ? channel instanceof ServerSocketChannel
                    : channel instanceof DatagramChannel)
                    && local instanceof InetSocketAddress address && address.getPort() == inet.port()
                    && address.getAddress().equals(inet.bind());
            case Endpoint.Unix unix -> channel instanceof ServerSocketChannel
                    && local instanceof UnixDomainSocketAddress address && address.getPath().equals(unix.path());
        };
    }

    /** What no service claimed, as messages say it. */
    public synchronized List<String> unclaimed() {
        return unclaimed.stream().map(c -> {
            try {
                return String.valueOf(c.getLocalAddress());
            } catch (IOException e) {
                return c.toString();
            }
        }).toList();
    }
}
