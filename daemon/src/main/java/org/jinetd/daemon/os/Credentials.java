package org.jinetd.daemon.os;

import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.jinetd.handler.PeerCredentials;

/** The kernel's word on who connected to a unix socket (SO_PEERCRED). */
public final class Credentials {
    private Credentials() {}

    /** The client's pid, uid and gid; empty where the kernel does not say (or descriptors are out of reach). */
    public static Optional<PeerCredentials> of(SocketChannel channel) {
        if (Fds.unavailable().isPresent()) {
            return Optional.empty();
        }
        try {
            var cred = Libc.peerCredentials(Fds.of(channel));
            return Optional.of(new PeerCredentials(cred[0], cred[1], cred[2]));
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }
}
