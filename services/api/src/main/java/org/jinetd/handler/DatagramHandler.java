package org.jinetd.handler;

import java.io.IOException;

/**
 * Answers one datagram (UDP). jinetd calls {@link #handle} on a virtual thread of its own
 * for every datagram received, so a handler may block without delaying the next one.
 */
@FunctionalInterface
public interface DatagramHandler {
    /**
     * Answers one datagram, with {@link Datagram#reply} as often as the protocol wants
     * (or not at all).
     *
     * @param datagram what was received, and the way to answer it
     * @throws IOException if answering failed; it costs this datagram only
     */
    void handle(Datagram datagram) throws IOException;
}
