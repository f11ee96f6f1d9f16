package org.jinetd.daemon.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.jinetd.daemon.config.Proxy;
import org.jinetd.daemon.os.Credentials;
import org.jinetd.daemon.proxy.Accept;
import org.jinetd.daemon.proxy.ProxyHeader;

/**
 * Who a stream connection is from. Without {@code proxy:} it is the socket's peer (and, for
 * a unix socket, its credentials). With it, the socket's peer must be one of the balancers
 * in {@code from}, checked before a byte is read, and its header names the real client; a
 * health check of the balancer's own (LOCAL) or a header that does not know the client
 * (UNKNOWN) leaves the socket's peer, as the protocol says.
 */
public final class Identification {
    private Identification() {}

    /** The outcome: the client, or why the connection is refused. */
    public sealed interface Outcome {
        /**
         * @param after what the client sent past its balancer's header that was taken with it, to
         *              be read ahead of the socket (nothing where the header was taken exactly)
         */
        record Identified(Client client, ByteBuffer after) implements Outcome {
            public Identified(Client client) {
                this(client, HeaderReading.NOTHING);
            }
        }

        /**
         * @param reason the log's {@code refused=} value: {@code proxy_source} (not a balancer of
         *               the table's) or {@code proxy} (no good header)
         * @param why    what was wrong with the header, for {@code proxy}
         * @param peer   the socket's peer, as the refusal names it
         */
        record Refused(String reason, Optional<String> why, SocketAddress peer) implements Outcome {}
    }

    /**
     * @param peer        the socket's peer (IPv4 clients of an IPv6 socket as IPv4)
     * @param credentials for a unix socket, who connected
     * @param proxy       the service's {@code proxy:}, if it has one
     */
    public static Outcome identify(SocketChannel channel, SocketAddress peer, Optional<Credentials> credentials,
                                   Optional<Proxy> proxy) throws IOException {
        return identify(channel, peer, credentials, proxy, Begun.NOTHING);
    }

    /** As {@link #identify}, going on from what {@link #identifyNow} took of the header. */
    public static Outcome identify(SocketChannel channel, SocketAddress peer, Optional<Credentials> credentials,
                                   Optional<Proxy> proxy, Begun begun) throws IOException {
        if (proxy.isEmpty()) {
            return new Outcome.Identified(Client.direct(peer, credentials));
        }
        if (!(peer instanceof InetSocketAddress balancer) || !proxy.get().trusts(balancer.getAddress())) {
            return new Outcome.Refused("proxy_source", Optional.empty(), peer);
        }
        return outcome(HeaderReading.read(channel, accept(proxy.get()), proxy.get().timeout(), begun.taken), balancer);
    }

    /**
     * As {@link #identify}, where that needs no wait: without {@code proxy:}, from a source that
     * is no balancer, or with the whole header in the socket already. Where the header has yet to
     * come, what was taken of it, for {@link #identify} to go on from.
     *
     * @param exact whether the client's bytes after the header must stay in the socket (a
     *              program inherits it, or a TLS handshake reads it); else what came with the
     *              header is taken in one read, and {@link Outcome.Identified#after} has it
     */
    public static Now identifyNow(SocketChannel channel, SocketAddress peer, Optional<Credentials> credentials,
                                  Optional<Proxy> proxy, boolean exact) throws IOException {
        if (proxy.isEmpty() || !(peer instanceof InetSocketAddress balancer)
                || !proxy.get().trusts(balancer.getAddress())) {
            return new Now.Done(identify(channel, peer, credentials, proxy));
        }
        return switch (HeaderReading.readNow(channel, accept(proxy.get()), exact)) {
            case HeaderReading.Look.Done done -> new Now.Done(outcome(done.outcome(), balancer));
            case HeaderReading.Look.Waits waits -> new Now.Waits(new Begun(waits));
        };
    }

    /** What a look at accept came to. */
    public sealed interface Now {
        record Done(Outcome outcome) implements Now {}

        /** The header has yet to come whole: {@link #identify} waits for it, from {@code begun}. */
        record Waits(Begun begun) implements Now {}
    }

    /** What was taken of a header before the rest of it came (nothing, where it was only looked at). */
    public static final class Begun {
        public static final Begun NOTHING = new Begun(HeaderReading.NOT_BEGUN);
        private final HeaderReading.Look.Waits taken;

        private Begun(HeaderReading.Look.Waits taken) {
            this.taken = taken;
        }
    }

    private static Accept accept(Proxy proxy) {
        return switch (proxy.version()) {
            case V1 -> Accept.V1;
            case V2 -> Accept.V2;
            case ANY -> Accept.ANY;
        };
    }

    private static Outcome outcome(HeaderReading.Outcome read, InetSocketAddress balancer) {
        return switch (read) {
            case HeaderReading.Outcome.Failed failed -> new Outcome.Refused("proxy", Optional.of(failed.why()), balancer);
            case HeaderReading.Outcome.Read header ->
                    new Outcome.Identified(relayed(header.header(), balancer), header.after());
        };
    }

    private static Client relayed(ProxyHeader header, InetSocketAddress balancer) {
        return switch (header) {
            // The balancer speaks for itself (a health check), or does not know its client.
            case ProxyHeader.Local _, ProxyHeader.Unknown _ -> Client.direct(balancer, Optional.empty());
            case ProxyHeader.Inet inet -> new Client(inet.source(), Optional.empty(), Optional.of(
                    new Client.Relay(balancer, inet.version(), Optional.of(inet.destination()), inet.tlvs())));
            case ProxyHeader.Unix unix -> new Client(UnixDomainSocketAddress.of(unix.source()),
                    Optional.empty(), Optional.of(new Client.Relay(balancer, unix.version(),
                            Optional.of(UnixDomainSocketAddress.of(unix.destination())), unix.tlvs())));
        };
    }
}
