package org.jinetd.daemon.listen;

import org.jinetd.daemon.config.Service;

/** One service's socket and the thread that takes its connections or datagrams. */
public sealed interface Listener extends AutoCloseable permits StreamListener, DatagramListener {
    Service service();

    /** Starts taking connections; the socket is already bound. */
    void start();

    /** Stops taking connections and closes the socket; live connections go on. */
    @Override
    void close();

    /** Opens and binds the socket of {@code service}, or says why it cannot. */
    static Listener bind(Service service, Served served) throws BindException {
        return service.endpoint().transport().streams()
                ? StreamListener.bind(service, served)
                : DatagramListener.bind(service, served);
    }
}
