package org.jinetd.handler;

import java.io.IOException;

/**
 * Serves one stream connection (TCP or a unix socket). jinetd calls {@link #handle} on a
 * virtual thread of its own for every accepted connection, and closes the connection when
 * the method returns or throws; blocking I/O is the intended style.
 */
@FunctionalInterface
public interface StreamHandler {
    void handle(Connection connection) throws IOException;
}
