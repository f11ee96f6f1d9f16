package org.jinetd.daemon.os;

import java.nio.channels.ServerSocketChannel;
import java.util.OptionalInt;

/** The kernel's word on how many clients wait to be accepted on a TCP listener. */
public final class AcceptQueue {
    private AcceptQueue() {}

    /** The queue's length now, or empty where the kernel does not say (unix sockets, no descriptor access). */
    public static OptionalInt length(ServerSocketChannel listener) {
        if (Fds.unavailable().isPresent()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(SocketCalls.acceptQueue(Fds.of(listener)));
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            return OptionalInt.empty();
        }
    }
}
