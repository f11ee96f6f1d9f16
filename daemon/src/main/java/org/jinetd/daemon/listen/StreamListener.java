package org.jinetd.daemon.listen;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
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
import org.jinetd.daemon.launch.Accepted;
import org.jinetd.daemon.launch.Credentials;
import org.jinetd.daemon.log.Peers;
import org.jinetd.daemon.policy.Admission;

/** A TCP or unix-domain listener: one platform thread accepts, each connection gets a virtual one. */
public final class StreamListener implements Listener {
    private static final int BACKLOG = 1024;
    private static final long BACKOFF_MIN_MS = 10;
    private static final long BACKOFF_MAX_MS = 1_000;

    private final ServerSocketChannel server;
    private final Served served;
    private final Admission admission = new Admission();
    private volatile Service service;
    private volatile boolean closed;
    private volatile WaitLoop waitLoop;
    private Thread thread;

    private StreamListener(Service service, ServerSocketChannel server, Served served) {
        this.service = service;
        this.server = server;
        this.served = served;
    }

    static StreamListener bind(Service service, Served served) throws BindException {
        ServerSocketChannel server = null;
        try {
            switch (service.endpoint()) {
                case Endpoint.Inet inet -> {
                    server = ServerSocketChannel.open(inet.bind() instanceof Inet4Address
                            ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    server.bind(new InetSocketAddress(inet.bind(), inet.port()), BACKLOG);
                }
                case Endpoint.Unix unix -> {
                    replaceStale(unix.path());
                    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                    server.bind(UnixDomainSocketAddress.of(unix.path()), BACKLOG);
                    Files.setPosixFilePermissions(unix.path(), permissions(unix.mode()));
                    if (unix.owner().isPresent()) {
                        Files.setAttribute(unix.path(), "unix:uid", unix.owner().getAsInt(), LinkOption.NOFOLLOW_LINKS);
                    }
                    if (unix.group().isPresent()) {
                        Files.setAttribute(unix.path(), "unix:gid", unix.group().getAsInt(), LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
            return new StreamListener(service, server, served);
        } catch (IOException e) {
            closeQuietly(server);
            throw new BindException("%s: bind %s: %s".formatted(service.label(), service.endpoint().shown(),
                    Sockets.reason(e)), e);
        }
    }

    /** A socket file left by an earlier run is ours to replace; any other file is not. */
    private static void replaceStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0170000) != 0140000) {
            throw new IOException("'" + path + "' exists and is not a socket; not replacing it");
        }
        Files.delete(path);
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

    /** Takes new settings for new connections; the socket stays as it is. */
    public void update(Service next) {
        this.service = next;
    }

    /** The port or path actually bound (port 0 asks the system for one). */
    public java.net.SocketAddress address() throws IOException {
        return server.getLocalAddress();
    }

    @Override
    public void start() {
        Runnable loop = this::acceptLoop;
        if (WaitLoop.waits(service)) {
            try {
                var waiting = new WaitLoop(server, this::service, served);
                waitLoop = waiting;
                loop = waiting::run;
            } catch (IOException e) {
                served.log().warn("%s: cannot wait on the socket: %s".formatted(service.label(), Sockets.reason(e)));
                return;
            }
        }
        thread = Thread.ofPlatform().name("listen-" + service.label()).daemon(true).start(loop);
    }

    private void acceptLoop() {
        long backoff = 0;
        boolean exhausted = false;
        while (!closed) {
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
                backoff = backoff == 0 ? BACKOFF_MIN_MS : Math.min(BACKOFF_MAX_MS, backoff * 2);
                if (!exhausted) {
                    served.log().warn("%s: accept: %s; backing off".formatted(service.label(), Sockets.reason(e)));
                    exhausted = true;
                }
                pause(backoff);
                continue;
            }
            if (exhausted) {
                served.log().note("%s: accepting again".formatted(service.label()));
                exhausted = false;
                backoff = 0;
            }
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        long since = System.nanoTime();
        var current = service;
        java.net.SocketAddress peer;
        java.net.SocketAddress local;
        try {
            peer = Peers.plain(channel.getRemoteAddress());
            local = Peers.plain(channel.getLocalAddress());
        } catch (IOException e) {
            // Reset before we looked: one socket, not the listener.
            closeQuietly(channel);
            return;
        }
        var address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        switch (admission.admit(address, current.access(), current.limits())) {
            case Admission.Verdict.Refused refused -> {
                closeQuietly(channel);
                served.log().refused(current.name(), Peers.shown(peer), refused.reason());
            }
            case Admission.Verdict.Admitted admitted ->
                    served.streams().launch(new Accepted(current, channel, peer, local,
                            current.endpoint() instanceof Endpoint.Unix ? Credentials.of(channel) : Optional.empty(),
                            admitted.ticket(), since));
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Live connections of this service now. */
    public int live() {
        return admission.live();
    }

    @Override
    public void close() {
        closed = true;
        if (waitLoop != null) {
            waitLoop.stop();
        }
        closeQuietly(server);
        if (service.endpoint() instanceof Endpoint.Unix unix) {
            try {
                Files.deleteIfExists(unix.path());
            } catch (IOException e) {
                // Left behind, it is replaced as stale at the next start.
            }
        }
        if (thread != null && waitLoop == null) {
            try {
                thread.join(5_000);
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
