package org.jinetd.handler;

import java.io.IOException;

/**
 * Answers one datagram (UDP). jinetd calls {@link #handle} on a virtual thread of its own
 * for every datagram received, so a handler may block without delaying the next one.
 */
@FunctionalInterface
public interface DatagramHandler {
    void handle(Datagram datagram) throws IOException;
}
