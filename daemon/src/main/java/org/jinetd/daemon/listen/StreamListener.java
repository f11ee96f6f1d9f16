package org.jinetd.daemon.listen;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.jinetd.daemon.config.Endpoint;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.launch.Way;
import org.jinetd.daemon.launch.Passage;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.os.AcceptQueue;
import org.jinetd.daemon.os.NativeOptions;
import org.jinetd.daemon.os.SocketFile;
import org.jinetd.daemon.policy.Admission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A TCP or unix-domain listener: one platform thread accepts, each connection gets a virtual one. */
public final class StreamListener implements Listener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamListener.class);
    private final ServerSocketChannel server;
    /**
     * The socket file this listener made, which it deletes as it closes; null for an inet
     * socket, and for one systemd passed in (its file is systemd's to keep).
     */
    private final Path made;
    private final Served served;
    private final Admission admission;
    private final Backoff backoff;
    /** Spawns failing with EAGAIN or ENOMEM hold the listener back too, in an episode of their own. */
    private final Backoff spawns;
    private volatile Service service;
    private volatile boolean closed;
    private volatile WaitLoop.Started started = new WaitLoop.Started(null, null);

    private StreamListener(Service service, ServerSocketChannel server, Path made, Served served) {
        this.service = service;
        this.server = server;
        this.made = made;
        this.served = served;
        this.backoff = new Backoff(service.label(), served.log());
        this.spawns = new Backoff(service.label(), served.log());
        this.admission = new Admission(service, served.global(), served.reflection(), served.log());
    }

    static StreamListener bind(Service service, Served served, Optional<ServerSocketChannel> given)
            throws BindException {
        if (given.isPresent()) {
            // Without defer_accept, a socket from systemd keeps what its unit set (DeferAcceptSec=).
            if (service.endpoint() instanceof Endpoint.Inet && service.socket().deferAccept().isPositive()) {
                try {
                    deferAccept(given.get(), service);
                } catch (IOException e) {
                    throw new BindException("%s: a socket from systemd: %s".formatted(service.label(),
                            Sockets.reason(e)), e);
                }
            }
            return new StreamListener(service, given.get(), null, served);
        }
        ServerSocketChannel server = null;
        Path made = null;
        var options = service.socket();
        try {
            switch (service.endpoint()) {
                case Endpoint.Inet inet -> {
                    boolean four = inet.bind() instanceof Inet4Address;
                    server = ServerSocketChannel.open(four ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    if (options.reuseport()) {
                        server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                    }
                    if (!four && options.v6only()) {
                        NativeOptions.v6only(server);
                    }
                    server.bind(new InetSocketAddress(inet.bind(), inet.port()), options.backlog());
                    if (options.deferAccept().isPositive()) {
                        deferAccept(server, service);
                    }
                }
                case Endpoint.Unix unix -> {
                    var place = SocketFile.place(unix.path());
                    made = place.path();
                    replaceStale(made);
                    server = SocketFile.bind(place, options.backlog(), permissions(unix.mode()), unix.owner(),
                            unix.group());
                }
            }
            return new StreamListener(service, server, made, served);
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(server);
            throw new BindException("%s: bind %s: %s".formatted(service.label(), service.endpoint().shown(),
                    e instanceof IOException io ? Sockets.reason(io) : e.getMessage()), e);
        }
    }

    /**
     * A socket file left by an earlier run is ours to replace, and so is a link (replaced, never
     * followed); any other file is not. The bind renames the new socket over what is there.
     */
    private static void replaceStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int type = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
        if (type != 0140000 && type != 0120000) {
            throw new IOException("'" + path + "' exists and is not a socket; not replacing it");
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        var set = EnumSet.noneOf(PosixFilePermission.class);
        var all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(all[i]);
            }
        }
        return set;
    }

    @Override
    public Service service() {
        return service;
    }

    /**
     * Waits for the connection being admitted, if one is: it is launched (and holds what its
     * service needs, such as a plugin jar) with the service it was admitted for, before a
     * reload that comes after this may let that service's jars go.
     */
    @Override
    public synchronized void update(Service next) {
        if (!next.socket().deferAccept().equals(service.socket().deferAccept())
                && next.endpoint() instanceof Endpoint.Inet) {
            try {
                deferAccept(server, next);
            } catch (IOException e) {
                // Only how soon a connection is taken changes, not which are.
                LOG.warn("{}: defer_accept (TCP_DEFER_ACCEPT): {}", next.label(), Sockets.reason(e));
            }
        }
        this.service = next;
    }

    /**
     * {@code defer_accept}: the kernel hands a connection over once its client has sent a byte
     * (TCP_DEFER_ACCEPT, as systemd's DeferAcceptSec=, nginx's {@code deferred}, haproxy's
     * {@code defer-accept}), or after about that long without one.
     */
    private static void deferAccept(ServerSocketChannel server, Service service) throws IOException {
        NativeOptions.deferAccept(server, (int) service.socket().deferAccept().toSeconds());
    }

    /** The port or path actually bound. */
    @Override
    public SocketAddress address() throws IOException {
        // A socket file is bound in a private directory, then renamed: the kernel keeps the first name.
        if (made != null && service.endpoint() instanceof Endpoint.Unix unix) {
            return UnixDomainSocketAddress.of(unix.path());
        }
        return server.getLocalAddress();
    }

    @Override
    public void start() {
        started = WaitLoop.start(service, server, this::service, served, this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            backoff.await();
            spawns.await();
            var current = service;
            var pace = admission.pace(current, System.nanoTime(), () -> AcceptQueue.length(server).orElse(-1));
            if (pace instanceof Admission.Pace.Hold(long nanos)) {
                // Over the rate: take nothing for as long as needed; the kernel's queue holds the clients.
                Backoff.sleep(nanos);
                continue;
            }
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Out of descriptors or memory: accepting again at once would only spin.
                backoff.failed("accept: " + Sockets.reason(e));
                continue;
            }
            backoff.succeeded();
            synchronized (this) {
                // The table may have been reloaded while accept() waited: this client meets the rules of now.
                current = service;
                try {
                    if (pace instanceof Admission.Pace.Shed) {
                        // The queue is longer than rate_wait allows: this one is turned away, without a token.
                        Way.refuseAtAccept(current, channel, peer(channel), "rate", false, served.log());
                    } else {
                        // Its clock starts now, not when the loop began to wait for it.
                        accepted(channel, current, System.nanoTime());
                    }
                } catch (RuntimeException | LinkageError e) {
                    // A fault before the connection was on its way (the way guards its own steps)
                    // costs that connection, never the listener.
                    closeQuietly(channel);
                    LOG.warn("{}: connection dropped by a fault: {}", current.label(), LogText.thrown(e));
                }
            }
        }
    }

    /**
     * The listener's part of a connection's way: its place in max_connections, the socket's
     * options; then the way goes on from here (see {@link org.jinetd.daemon.launch.Way}).
     */
    private void accepted(SocketChannel channel, Service current, long since) {
        if (!admission.enter()) {
            Way.refuseAtAccept(current, channel, peer(channel), "global", true, served.log());
            return;
        }
        SocketAddress local;
        try {
            // A unix socket is bound in a private directory and moved into place: the kernel
            // keeps the name it was bound at, so the table's path is the one to show.
            local = current.endpoint() instanceof Endpoint.Unix unix ? UnixDomainSocketAddress.of(unix.path())
                    : Peers.plain(channel.getLocalAddress());
            if (current.endpoint() instanceof Endpoint.Inet) {
                // Off is the kernel's default: a system call only when a key asks for on.
                if (current.socket().keepalive()) {
                    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                }
                if (current.socket().nodelay()) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
            }
        } catch (IOException e) {
            // Reset before we looked: one socket, not the listener.
            admission.leave();
            closeQuietly(channel);
            return;
        }
        served.way().start(new Passage(current, channel, peer(channel), local, admission, spawns, since, served.log()));
    }

    /** The socket's peer, as the log names a connection until it is identified; null if it is gone. */
    private static SocketAddress peer(SocketChannel channel) {
        try {
            return Peers.plain(channel.getRemoteAddress());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String state() {
        return backoff.active() || spawns.active() ? "paused" : admission.limited() ? "limited" : "listening";
    }

    @Override
    public int live() {
        return admission.live();
    }

    @Override
    public void close() {
        closed = true;
        started.stop();
        closeQuietly(server);
        if (made != null) {
            try {
                Files.deleteIfExists(made);
            } catch (IOException e) {
                // Left behind, it is replaced as stale at the next start.
            }
        }
        started.join();
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more can be done with a socket that fails to close.
        }
    }
}
