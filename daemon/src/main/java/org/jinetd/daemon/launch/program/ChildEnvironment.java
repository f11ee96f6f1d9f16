package org.jinetd.daemon.launch.program;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jinetd.daemon.os.AddressText;
import org.jinetd.daemon.config.Endpoint;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.client.Client;
import org.jinetd.daemon.tls.Session;

/**
 * The whole environment of a program: tcpserver's and systemd's names for the connection,
 * the account's, a fixed PATH, and the service's {@code env:}; nothing of the daemon's own.
 */
public final class ChildEnvironment {
    /** systemd's default PATH for services. */
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ChildEnvironment() {}

    /** A datagram's program, or one in wait mode ({@code peer} null): no client but the socket's peer. */
    public static Map<String, String> of(Service service, Launch.Exec exec, SocketAddress peer, SocketAddress local) {
        return of(service, exec, Client.direct(peer, Optional.empty()), local);
    }

    /**
     * A connection's program. Where a balancer's PROXY header named the client, the client is
     * the header's, as everywhere, and the balancer is {@code PROXY_PEER_IP}/{@code PROXY_PEER_PORT},
     * with what its header said besides ({@code PROXY_AUTHORITY}, {@code PROXY_ALPN},
     * {@code PROXY_UNIQUE_ID}).
     */
    public static Map<String, String> of(Service service, Launch.Exec exec, Client client, SocketAddress local) {
        return of(service, exec, client, local, Optional.empty());
    }

    /**
     * A connection's program behind TLS: as above, with what its handshake agreed on, in the
     * names sslserver (ucspi-ssl) and Apache's mod_ssl give ({@link SslEnvironment}).
     */
    public static Map<String, String> of(Service service, Launch.Exec exec, Client client, SocketAddress local,
                                         Optional<Session> tls) {
        var peer = client.address();
        var credentials = client.credentials();
        var env = new LinkedHashMap<String, String>();
        var proto = service.endpoint().transport().key().toUpperCase(Locale.ROOT);
        env.put("PROTO", proto);
        if (peer instanceof InetSocketAddress remote) {
            var ip = AddressText.of(Peers.plain(remote.getAddress()));
            env.put(proto + "REMOTEIP", ip);
            env.put(proto + "REMOTEPORT", Integer.toString(remote.getPort()));
            env.put("REMOTE_ADDR", ip);
            // xinetd's name for it, which it too fills with the address, never a looked-up name.
            env.put("REMOTE_HOST", ip);
            env.put("REMOTE_PORT", Integer.toString(remote.getPort()));
        }
        if (local instanceof InetSocketAddress here) {
            env.put(proto + "LOCALIP", AddressText.of(Peers.plain(here.getAddress())));
            env.put(proto + "LOCALPORT", Integer.toString(here.getPort()));
        }
        // ucspi-unix's names for the client of a unix socket.
        credentials.ifPresent(c -> {
            env.put("UNIXREMOTEPID", Long.toString(c.pid()));
            env.put("UNIXREMOTEUID", Integer.toString(c.uid()));
            env.put("UNIXREMOTEGID", Integer.toString(c.gid()));
        });
        if (service.endpoint() instanceof Endpoint.Unix unix) {
            env.put("UNIXLOCALPATH", unix.path().toString());
        }
        client.relay().ifPresent(relay -> {
            env.put("PROXY_PEER_IP", AddressText.of(Peers.plain(relay.by().getAddress())));
            env.put("PROXY_PEER_PORT", Integer.toString(relay.by().getPort()));
            relay.tlvs().authority().ifPresent(v -> env.put("PROXY_AUTHORITY", v));
            relay.tlvs().alpn().ifPresent(v -> env.put("PROXY_ALPN", v));
            relay.tlvs().uniqueId().ifPresent(v -> env.put("PROXY_UNIQUE_ID", printable(v)
                    ? new String(v, java.nio.charset.StandardCharsets.US_ASCII) : java.util.HexFormat.of().formatHex(v)));
        });
        tls.ifPresent(session -> SslEnvironment.put(env, session));
        env.put("JINETD_SERVICE", service.name());
        env.put("PATH", PATH);
        var account = exec.runAs();
        env.put("HOME", account.home());
        env.put("USER", account.user());
        env.put("LOGNAME", account.user());
        env.put("SHELL", account.shell());
        env.putAll(exec.env());
        return env;
    }

    /** Whether an opaque id is printable text as it is; else it is given as hex. */
    private static boolean printable(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x21 || b > 0x7e) {
                return false;
            }
        }
        return bytes.length > 0;
    }
}
