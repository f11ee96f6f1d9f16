package org.jinetd.daemon.listen;

import org.jinetd.daemon.config.Service;

/** One service's socket and the thread that takes its connections or datagrams. */
public sealed interface Listener extends AutoCloseable permits StreamListener, DatagramListener {
    Service service();

    /** Starts taking connections; the socket is already bound. */
    void start();

    /**
     * Takes new settings for new connections; the socket stays as it is (a reload). Returns
     * once no connection or datagram is on its way with the settings before: each has been
     * launched, and holds what its service needs (a plugin jar), so that a reload may then let
     * go of the table before.
     */
    void update(Service next);

    /** The address the socket is bound to, as the system reports it. */
    java.net.SocketAddress address() throws java.io.IOException;

    /** Live connections of this service now. */
    int live();

    /** {@code listening}, {@code limited} (over a rate) or {@code paused} (short of a resource). */
    String state();

    /**
     * Whether {@code next} can be served from this listener's socket as it is: the same
     * address, and nothing that is fixed when a socket is opened or that changes its loop.
     */
    default boolean keeps(Service next) {
        var now = service();
        return now.endpoint().equals(next.endpoint())
                && now.socket().v6only() == next.socket().v6only()
                && now.socket().reuseport() == next.socket().reuseport()
                && WaitLoop.waits(now) == WaitLoop.waits(next);
    }

    /** Stops taking connections and closes the socket; live connections go on. */
    @Override
    void close();

    /** The socket of {@code service}: one systemd passed in for its address, else one opened and bound now. */
    static Listener bind(Service service, Served served, Passed passed) throws BindException {
        var given = passed.claim(service);
        return service.endpoint().transport().streams()
                ? StreamListener.bind(service, served, given.map(java.nio.channels.ServerSocketChannel.class::cast))
                : DatagramListener.bind(service, served, given.map(java.nio.channels.DatagramChannel.class::cast));
    }
}
