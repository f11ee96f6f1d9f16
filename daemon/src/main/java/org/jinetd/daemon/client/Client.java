package org.jinetd.daemon.client;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.daemon.os.Credentials;
import org.jinetd.daemon.proxy.Tlvs;

/**
 * Who a connection is from, as identifying it fixed it: the socket's peer, or the real client
 * that a balancer of the table's named in its PROXY header. Admission, the log, a program's
 * environment and a handler read it; nothing has one before.
 *
 * @param address     the client (IPv4 clients of an IPv6 socket as IPv4); for a unix socket
 *                    the path it bound, if any
 * @param credentials for a unix socket, who connected (SO_PEERCRED)
 * @param relay       the balancer it came through, where a PROXY header named it
 */
public record Client(SocketAddress address, Optional<Credentials> credentials, Optional<Relay> relay) {
    public Client {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(relay, "relay");
    }

    /**
     * The balancer a connection came through, and what its header said besides the addresses.
     *
     * @param by          the balancer's own address: the socket's peer
     * @param version     the PROXY protocol's version of its header
     * @param destination what the client reached at the balancer, where the header said
     * @param tlvs        the header's ALPN, AUTHORITY, UNIQUE_ID, SSL (version 2)
     */
    public record Relay(InetSocketAddress by, int version, Optional<SocketAddress> destination, Tlvs tlvs) {
        public Relay {
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(tlvs, "tlvs");
        }
    }

    /** A client that came straight to the socket. */
    public static Client direct(SocketAddress peer, Optional<Credentials> credentials) {
        return new Client(peer, credentials, Optional.empty());
    }

    /** The client's IP address; null for a unix socket's client. */
    public java.net.InetAddress ip() {
        return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
