package org.jinetd.daemon.log;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jinetd.daemon.os.AddressText;

/** How addresses are shown and compared: IPv4 clients of an IPv6 socket appear as IPv4. */
public final class Peers {
    private Peers() {}

    /** {@code ::ffff:192.0.2.1} as {@code 192.0.2.1}; other addresses as they are. */
    public static InetAddress plain(InetAddress address) {
        if (address instanceof Inet6Address six) {
            var b = six.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return Inet4Address.getByAddress(Arrays.copyOfRange(b, 12, 16));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return address;
    }

    public static SocketAddress plain(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            var plain = plain(inet.getAddress());
            return plain == inet.getAddress() ? inet : new InetSocketAddress(plain, inet.getPort());
        }
        return address;
    }

    /**
     * {@code 127.0.0.1:50514}, {@code [::1]:50514}, or a unix socket's path. A client names its
     * own unix socket: in a log line it is {@link LogText#quoted}, on a terminal {@link LogText#escaped}.
     */
    public static String shown(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet when inet.getAddress() != null ->
                    AddressText.withPort(plain(inet.getAddress()), inet.getPort());
            case UnixDomainSocketAddress unix -> unix.getPath().toString().isEmpty() ? "unix" : unix.getPath().toString();
            case null -> "-";
            default -> address.toString();
        };
    }
}
