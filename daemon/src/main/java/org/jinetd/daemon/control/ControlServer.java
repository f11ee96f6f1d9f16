package org.jinetd.daemon.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.jinetd.daemon.listen.Backoff;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Credentials;
import org.jinetd.handler.PeerCredentials;

/**
 * The control socket: a unix socket only its owner may use (mode 0600), where
 * {@code jinetd status}, {@code reload} and {@code stop} reach the daemon. Reload and stop
 * are also checked against the client's uid (SO_PEERCRED): the daemon's own, or root.
 */
public final class ControlServer implements AutoCloseable {
    /** What the daemon does for a request. */
    public interface Handler {
        ControlMessages.Reply handle(ControlMessages.Request request);
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final ConnectionLog log;
    private final long ownUid;
    private volatile boolean closed;

    private ControlServer(Path path, ServerSocketChannel server, Handler handler, ConnectionLog log, long ownUid) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.log = log;
        this.ownUid = ownUid;
    }

    public static ControlServer open(Path path, Handler handler, ConnectionLog log) throws IOException {
        Files.createDirectories(path.getParent());
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & 0170000) != 0140000) {
                throw new IOException("'" + path + "' exists and is not a socket; not replacing it");
            }
            try (var probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(UnixDomainSocketAddress.of(path));
                throw new IOException("another jinetd answers on " + path);
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("another jinetd")) {
                    throw e;
                }
                // Nobody answers: a socket left by an earlier run.
                Files.delete(path);
            }
        }
        var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        var control = new ControlServer(path, server, handler, log, new com.sun.security.auth.module.UnixSystem().getUid());
        Thread.ofPlatform().name("control").daemon(true).start(control::acceptLoop);
        return control;
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        // Out of descriptors, accepting again at once would only spin: wait, as listeners do.
        var backoff = new Backoff("control", log);
        while (!closed) {
            backoff.await();
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                backoff.failed("accept: " + e.getMessage());
                continue;
            }
            backoff.succeeded();
            Thread.ofVirtual().name("control-client").start(() -> serve(client));
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            var line = in.readLine();
            ControlMessages.Reply reply;
            if (line == null) {
                return;
            }
            try {
                var request = ControlMessages.JSON.readValue(line, ControlMessages.Request.class);
                reply = allowed(request, Credentials.of(client))
                        ? handler.handle(request)
                        : ControlMessages.Reply.of(false, "only the daemon's user or root may " + request.command());
            } catch (IOException e) {
                reply = ControlMessages.Reply.of(false, "not a request: " + e.getMessage());
            }
            var out = Channels.newOutputStream(client);
            out.write(ControlMessages.JSON.writeValueAsBytes(reply));
            out.write('\n');
            out.flush();
        } catch (IOException | RuntimeException e) {
            log.warn("control: " + e);
        }
    }

    private boolean allowed(ControlMessages.Request request, Optional<PeerCredentials> who) {
        if ("status".equals(request.command())) {
            return true;
        }
        return who.map(c -> c.uid() == ownUid || c.uid() == 0).orElse(false);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Left behind, it is replaced as stale at the next start.
        }
    }
}
