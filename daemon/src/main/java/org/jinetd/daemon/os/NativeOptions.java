package org.jinetd.daemon.os;

import java.io.IOException;
import java.nio.channels.NetworkChannel;

/** Socket options the JDK does not offer. */
public final class NativeOptions {
    private NativeOptions() {}

    /** IPV6_V6ONLY, before bind: an IPv6 wildcard then takes IPv6 clients only. */
    public static void v6only(NetworkChannel channel) throws IOException {
        set(channel, "v6only", 41 /* IPPROTO_IPV6 */, 26 /* IPV6_V6ONLY */, 1);
    }

    /**
     * TCP_DEFER_ACCEPT of a listening TCP socket: a connection is accepted once its client's
     * first bytes have come, or after about {@code seconds} (the kernel counts in SYN-ACK
     * retransmissions) without them; 0 accepts at the handshake, the kernel's default.
     */
    public static void deferAccept(NetworkChannel listener, int seconds) throws IOException {
        set(listener, "TCP_DEFER_ACCEPT", 6 /* IPPROTO_TCP */, 9 /* TCP_DEFER_ACCEPT */, seconds);
    }

    /** What TCP_DEFER_ACCEPT of a listening socket is now, in seconds, as the kernel rounds it. */
    public static int deferAccept(NetworkChannel listener) throws IOException {
        return option(listener, "TCP_DEFER_ACCEPT", fd -> SocketCalls.intOption(fd, 6 /* IPPROTO_TCP */,
                9 /* TCP_DEFER_ACCEPT */));
    }

    private static void set(NetworkChannel channel, String what, int level, int name, int value) throws IOException {
        option(channel, what, fd -> {
            SocketCalls.setIntOption(fd, level, name, value);
            return 0;
        });
    }

    @FunctionalInterface
    private interface OnDescriptor {
        int apply(int fd) throws Libc.Failure;
    }

    /** {@code call} on the channel's descriptor, a failure of which is an IOException saying what failed. */
    private static int option(NetworkChannel channel, String what, OnDescriptor call) throws IOException {
        var why = Fds.unavailable();
        if (why.isPresent()) {
            throw new IOException(what + " needs " + why.get());
        }
        try {
            return call.apply(Fds.of(channel));
        } catch (Libc.Failure e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
