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
import org.jinetd.handler.PeerCredentials;

/**
 * The whole environment of a program: tcpserver's and systemd's names for the connection,
 * the account's, a fixed PATH, and the service's {@code env:}; nothing of the daemon's own.
 */
public final class ChildEnvironment {
    /** systemd's default PATH for services. */
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ChildEnvironment() {}

    public static Map<String, String> of(Service service, Launch.Exec exec, SocketAddress peer, SocketAddress local) {
        return of(service, exec, peer, local, Optional.empty());
    }

    public static Map<String, String> of(Service service, Launch.Exec exec, SocketAddress peer, SocketAddress local,
                                  Optional<PeerCredentials> credentials) {
        var env = new LinkedHashMap<String, String>();
        var proto = service.endpoint().transport().key().toUpperCase(Locale.ROOT);
        env.put("PROTO", proto);
        if (peer instanceof InetSocketAddress remote) {
            var ip = AddressText.of(Peers.plain(remote.getAddress()));
            env.put(proto + "REMOTEIP", ip);
            env.put(proto + "REMOTEPORT", Integer.toString(remote.getPort()));
            env.put("REMOTE_ADDR", ip);
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
}
