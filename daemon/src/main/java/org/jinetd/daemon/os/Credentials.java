package org.jinetd.daemon.os;

import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * The kernel's word on who is at the other end of a unix socket (SO_PEERCRED): the client
 * of a listener, or the server a client reached.
 *
 * @param pid the peer's process when it connected (or listened)
 * @param uid its user
 * @param gid its group
 */
public record Credentials(long pid, int uid, int gid) {
    /** The peer's credentials; empty where the kernel does not say (or descriptors are out of reach). */
    public static Optional<Credentials> of(SocketChannel channel) {
        if (Fds.unavailable().isPresent()) {
            return Optional.empty();
        }
        try {
            var cred = SocketCalls.peerCredentials(Fds.of(channel));
            return Optional.of(new Credentials(cred[0], cred[1], cred[2]));
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }
}
