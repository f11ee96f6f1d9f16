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
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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

/**
 * A TCP or unix-domain listener: a platform thread accepts (two, for a service of programs),
 * and a connection that needs one gets a virtual thread of its own.
 */
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
    /** TCP_DEFER_ACCEPT of a socket from systemd as it came (its unit's DeferAcceptSec=), seconds; 0 for one bound here. */
    private final int unitDeferral;
    /** The TCP_DEFER_ACCEPT last set, seconds; guarded by {@link #table}'s write lock. */
    private int deferral;
    /**
     * Held to read by each connection from its accept until it is on its way (admitted, its
     * program spawned), and to write by a reload: a reload waits for the connections being
     * admitted, and each is admitted under one table.
     */
    private final ReentrantReadWriteLock table = new ReentrantReadWriteLock();
    /** A second thread that accepts, for a service that spawns programs; null where there is none. Set under this. */
    private volatile Thread second;
    /** Held from a thread's pacing to the end of its accept: the accepting threads take turns. */
    private final ReentrantLock accepting = new ReentrantLock();
    /** The accepting thread that waits for its turn (parked, or about to be), if one does. */
    private volatile Thread waiting;
    private volatile boolean closed;
    private volatile WaitLoop.Started started = new WaitLoop.Started(null, null);

    private StreamListener(Service service, ServerSocketChannel server, Path made, Served served, int unitDeferral,
                           int deferral) {
        this.service = service;
        this.unitDeferral = unitDeferral;
        this.deferral = deferral;
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
            return passed(service, served, given.get());
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
                    if (options.deferred().isPositive()) {
                        NativeOptions.deferAccept(server, seconds(options.deferred()));
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
            return new StreamListener(service, server, made, served, 0, seconds(options.deferred()));
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(server);
            throw new BindException("%s: bind %s: %s".formatted(service.label(), service.endpoint().shown(),
                    e instanceof IOException io ? Sockets.reason(io) : e.getMessage()), e);
        }
    }

    /**
     * A socket systemd passed in: it is systemd's, and outlives this process, so what its
     * TCP_DEFER_ACCEPT is now is its unit's ({@code DeferAcceptSec=}), which stands where the
     * table does not set {@code defer_accept}, and is what a reload that takes the key away
     * gives back. A socket that cannot be set is served as it is, with a warning: it cannot be
     * given back, and binding another would find systemd's on the address.
     */
    private static StreamListener passed(Service service, Served served, ServerSocketChannel given) {
        int unit = 0;
        int now = 0;
        if (service.endpoint() instanceof Endpoint.Inet) {
            try {
                unit = NativeOptions.deferAccept(given);
            } catch (IOException e) {
                LOG.warn("{}: a socket from systemd: cannot read TCP_DEFER_ACCEPT: {}", service.label(),
                        Sockets.reason(e));
            }
            now = unit;
            var wanted = service.socket().deferAccept().map(StreamListener::seconds).orElse(unit);
            if (wanted != unit) {
                try {
                    NativeOptions.deferAccept(given, wanted);
                    now = wanted;
                } catch (IOException e) {
                    LOG.warn("{}: a socket from systemd: defer_accept (TCP_DEFER_ACCEPT): {}", service.label(),
                            Sockets.reason(e));
                }
            }
            if (service.socket().deferAccept().isEmpty() && unit > 0) {
                service.deferredFirstWords(Duration.ofSeconds(unit)).ifPresent(warning -> served.log().warn(
                        service.name() + ": " + warning
                        + " (DeferAcceptSec= of the socket from systemd; defer_accept: 0 turns it off)"));
            }
        }
        return new StreamListener(service, given, null, served, unit, now);
    }

    /**
     * {@code defer_accept} as TCP_DEFER_ACCEPT takes it: the kernel hands a connection over once
     * its client has sent a byte (as systemd's DeferAcceptSec=, nginx's {@code deferred},
     * haproxy's {@code defer-accept}), or after about that many seconds without one.
     */
    private static int seconds(Duration deferral) {
        return (int) deferral.toSeconds();
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
    public void update(Service next) {
        table.writeLock().lock();
        try {
            int wanted = next.socket().deferAccept().map(StreamListener::seconds).orElse(unitDeferral);
            if (wanted != deferral && next.endpoint() instanceof Endpoint.Inet) {
                try {
                    NativeOptions.deferAccept(server, wanted);
                    deferral = wanted;
                } catch (IOException e) {
                    // Only how soon a connection is taken changes, not which are; the next reload tries again.
                    LOG.warn("{}: defer_accept (TCP_DEFER_ACCEPT): {}", next.label(), Sockets.reason(e));
                }
            }
            this.service = next;
        } finally {
            table.writeLock().unlock();
        }
        startSecond(next);
        var twin = second;
        if (twin != null && !spawns(next)) {
            // Waiting for its turn, it ends now; in accept(), once it has taken the next client.
            LockSupport.unpark(twin);
        }
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

    /**
     * A program's spawn holds its thread until the child has exec'd (posix_spawn's vfork): a
     * second thread accepts meanwhile, so that on two cores one connection is accepted while
     * another's program starts. A handler's connection leaves the thread at once, and a
     * waiting service's socket is its program's.
     */
    @Override
    public void start() {
        started = WaitLoop.start(service, server, this::service, served, this::acceptLoop);
        startSecond(service);
    }

    /** The second accepting thread, where {@code current} runs programs and it has none yet (a reload may make it one that does). */
    private synchronized void startSecond(Service current) {
        if (second == null && !closed && started.thread() != null && spawns(current)) {
            second = Thread.ofPlatform().name("listen-" + current.label() + "-2").daemon(true).start(this::acceptLoop);
        }
    }

    /** Whether {@code current} spawns a program for each connection, so that a second thread accepts for it. */
    private static boolean spawns(Service current) {
        return !WaitLoop.waits(current) && current.launch() instanceof org.jinetd.daemon.config.Launch.Exec;
    }

    /**
     * True where this is the second thread and a reload made the service one that needs it no
     * more: it is then no longer the second, and ends (a reload back starts another).
     */
    private synchronized boolean retired() {
        if (Thread.currentThread() != second || spawns(service)) {
            return false;
        }
        second = null;
        return true;
    }

    private void acceptLoop() {
        try {
            takeTurns();
        } finally {
            // Ended by the close, by a reload, or by an error: the other, if waiting for a turn, accepts alone.
            var other = waiting;
            if (other != null && other != Thread.currentThread()) {
                LockSupport.unpark(other);
            }
        }
    }

    private void takeTurns() {
        while (!closed) {
            if (Thread.currentThread() == second && !spawns(service) && retired()) {
                return;
            }
            Admission.Pace pace;
            SocketChannel channel;
            // One thread at a time paces, accepts and looks at what the accept did: the rate's
            // tokens, a shedding decision and a shortage of descriptors are as one thread's.
            if (!accepting.tryLock()) {
                // The other thread accepts: this one waits until that one has taken a client and
                // sees another waiting. Waiting for the lock instead would have each accept wake
                // it, a switch of threads on both cores for every connection, needed only while
                // clients come faster than one thread spawns their programs.
                waiting = Thread.currentThread();
                // Looked at again once it says it waits: the other reads that after it gives the
                // turn up, so that either this one sees the turn free or the other sees it waiting.
                if (accepting.isLocked()) {
                    LockSupport.park(this);
                }
                waiting = null;
                continue;
            }
            try {
                backoff.await();
                spawns.await();
                if (closed) {
                    return;
                }
                pace = admission.pace(service, System.nanoTime(), () -> AcceptQueue.length(server).orElse(-1));
                if (pace instanceof Admission.Pace.Hold(long nanos)) {
                    // Over the rate: take nothing for as long as needed; the kernel's queue holds the clients.
                    Backoff.sleep(nanos);
                    continue;
                }
                try {
                    channel = server.accept();
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                    // Out of descriptors below a soft limit that can still be raised: accepted again at once.
                    var setup = served.spawner().setup();
                    if (setup.raisesAt().isPresent() && Sockets.outOfDescriptors(e, server) && setup.raise()) {
                        continue;
                    }
                    // Out of descriptors or memory: accepting again at once would only spin.
                    backoff.failed("accept: " + Sockets.reason(e));
                    continue;
                }
                backoff.succeeded();
            } finally {
                accepting.unlock();
            }
            // Only where the other waits (not while it spawns: it comes back to accept by itself),
            // and another client is there; a unix socket's queue is not known, so it is woken.
            var other = waiting;
            if (other != null
                    && (service.endpoint() instanceof Endpoint.Unix || AcceptQueue.length(server).orElse(1) > 0)) {
                // Woken once it has parked, or its park returns at once: it looks again either way.
                LockSupport.unpark(other);
            }
            served.spawner().setup().opened(channel);
            table.readLock().lock();
            try {
                // The table may have been reloaded while accept() waited: this client meets the rules of now.
                var current = service;
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
            } finally {
                table.readLock().unlock();
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
        long deadline = System.nanoTime() + 5_000_000_000L;
        // A thread waiting for its turn sees the close once woken; the one in accept() sees it at once.
        var first = started.thread();
        if (first != null) {
            LockSupport.unpark(first);
        }
        var twin = second;
        if (twin != null) {
            LockSupport.unpark(twin);
        }
        started.join();
        // Read again: one started by a reload just before the close is joined too.
        var other = second;
        if (other != null) {
            try {
                // Both end as the socket closes: the two waits together are no longer than one.
                other.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
