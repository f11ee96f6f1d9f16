package org.jinetd.daemon.os;

import java.io.IOException;
import java.nio.channels.NetworkChannel;

/** Socket options the JDK does not offer. */
public final class NativeOptions {
    private NativeOptions() {}

    /** IPV6_V6ONLY, before bind: an IPv6 wildcard then takes IPv6 clients only. */
    public static void v6only(NetworkChannel channel) throws IOException {
        var why = Fds.unavailable();
        if (why.isPresent()) {
            throw new IOException("v6only needs " + why.get());
        }
        try {
            SocketCalls.setIntOption(Fds.of(channel), 41 /* IPPROTO_IPV6 */, 26 /* IPV6_V6ONLY */, 1);
        } catch (Libc.Failure e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
