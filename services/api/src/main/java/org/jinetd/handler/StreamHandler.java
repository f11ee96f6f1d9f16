package org.jinetd.handler;

import java.io.IOException;

/**
 * Serves one stream connection (TCP or a unix socket). jinetd calls {@link #handle} on a
 * virtual thread of its own for every accepted connection, and closes the connection when
 * the method returns or throws; blocking I/O is the intended style.
 */
@FunctionalInterface
public interface StreamHandler {
    /**
     * Serves the connection until its protocol is done; jinetd closes it afterwards.
     *
     * @param connection the client's connection and what is known of it
     * @throws IOException if the connection failed; a client that resets or closes early is
     *                     not counted as the handler's failure
     */
    void handle(Connection connection) throws IOException;
}
