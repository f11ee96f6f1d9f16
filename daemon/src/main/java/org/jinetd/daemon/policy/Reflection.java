package org.jinetd.daemon.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Whether answering a datagram could turn a UDP internal service into a weapon: OpenBSD
 * inetd's {@code dg_badinput}, and more. A forged datagram "from" another server's port
 * (chargen's to echo's) makes the two answer each other for ever; one "from" a broadcast
 * or multicast address sends the answer to many hosts. Such a datagram is dropped unread.
 */
public final class Reflection {
    /**
     * Ports of servers that answer whatever they are sent, or whose answers a reply could
     * start: the RFC 862-868 services, and the UDP servers that inetd guards (NFS).
     */
    static final Set<Integer> WELL_KNOWN = Set.of(7, 9, 13, 17, 19, 37, 2049);
    /** Ports below this belong to servers run by root: an answer there could be another server's. */
    private static final int RESERVED = 1024;

    private volatile Set<Integer> servicePorts = Set.of();
    private volatile Set<InetAddress> broadcasts = Set.of();

    /**
     * The ports of the table's UDP services (handlers and programs alike), where a reply would
     * start a loop; and, read again now, the broadcast addresses of this host's interfaces.
     */
    public void servicePorts(Set<Integer> ports) {
        servicePorts = Set.copyOf(ports);
        broadcasts = broadcasts();
    }

    /** Why answering a datagram from {@code source} is refused, or empty when it may be answered. */
    public Optional<String> refusal(InetSocketAddress source) {
        int port = source.getPort();
        if (port < RESERVED || WELL_KNOWN.contains(port) || servicePorts.contains(port)) {
            return Optional.of("source_port");
        }
        var address = source.getAddress();
        return unanswerable(address) || broadcasts.contains(address) ? Optional.of("source_address") : Optional.empty();
    }

    /** An address no single host sends from: unspecified, 0.0.0.0/8, multicast, 240.0.0.0/4 and broadcast. */
    static boolean unanswerable(InetAddress address) {
        if (address == null || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        if (address instanceof Inet4Address four) {
            int first = four.getAddress()[0] & 0xff;
            return first == 0 || first >= 240;
        }
        return false;
    }

    private static Set<InetAddress> broadcasts() {
        var found = new HashSet<InetAddress>();
        try {
            for (var nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (var address : nic.getInterfaceAddresses()) {
                    if (address.getBroadcast() != null) {
                        found.add(address.getBroadcast());
                    }
                }
            }
        } catch (SocketException e) {
            // No list of interfaces: the rules above still hold.
        }
        return Set.copyOf(found);
    }
}
