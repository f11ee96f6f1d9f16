package org.jinetd.daemon.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import org.jinetd.daemon.os.AddressText;

/** Where a service listens. */
public sealed interface Endpoint {
    Transport transport();

    /** As shown in logs and in {@code jinetd list}: {@code 127.0.0.1:7007}, {@code [::1]:7007}, a path. */
    String shown();

    /** Would binding both at once clash? Wildcards overlap the addresses they cover. */
    boolean overlaps(Endpoint other);

    record Inet(Transport transport, InetAddress bind, int port) implements Endpoint {
        public Inet {
            Objects.requireNonNull(bind, "bind");
            if (transport == Transport.UNIX) {
                throw new IllegalArgumentException("an inet endpoint is tcp or udp");
            }
        }

        @Override
        public String shown() {
            return AddressText.withPort(bind, port);
        }

        @Override
        public boolean overlaps(Endpoint other) {
            if (!(other instanceof Inet o) || o.transport != transport || o.port != port) {
                return false;
            }
            return bind.equals(o.bind) || covers(bind, o.bind) || covers(o.bind, bind);
        }

        // "::" without v6only takes IPv4 too; "0.0.0.0" takes every IPv4 address.
        private static boolean covers(InetAddress wide, InetAddress narrow) {
            if (!wide.isAnyLocalAddress()) {
                return false;
            }
            return wide instanceof Inet6Address || !(narrow instanceof Inet6Address);
        }
    }

    /**
     * A unix-domain stream socket.
     *
     * @param mode  the socket file's permission bits, as {@code chmod} takes them
     * @param owner the socket file's owner (uid), if not the daemon
     * @param group the socket file's group (gid), if not the daemon's
     */
    record Unix(Path path, int mode, java.util.OptionalInt owner, java.util.OptionalInt group) implements Endpoint {
        public Unix {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(group, "group");
        }

        @Override
        public Transport transport() {
            return Transport.UNIX;
        }

        @Override
        public String shown() {
            return path.toString();
        }

        @Override
        public boolean overlaps(Endpoint other) {
            return other instanceof Unix u && u.path.equals(path);
        }
    }
}
