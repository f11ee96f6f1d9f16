package org.jinetd.daemon.control;

import org.jinetd.daemon.os.Pids;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.jinetd.daemon.os.Credentials;
import org.jinetd.daemon.os.Fds;
import org.jinetd.daemon.os.Processes;

/**
 * The command line's side of the control socket. It believes only a daemon running as root
 * or as its own user (SO_PEERCRED): anyone else could have put a socket where it looks and
 * answer "stopping" while the real daemon goes on.
 */
public final class ControlClient {
    /** The reply is at most a status report; a peer that sends more is not a daemon worth reading. */
    private static final int MAX_REPLY = 16 * 1024 * 1024;

    private ControlClient() {}

    /** Sends one request and waits for its reply. */
    public static ControlMessages.Reply ask(Path socket, ControlMessages.Request request) throws IOException {
        return exchange(socket, request, null);
    }

    /** What a stop came to: the daemon's reply, and, when it said it stopped, whether its process is gone. */
    public record Stopped(ControlMessages.Reply reply, boolean exited, int pid) {}

    /**
     * Asks the daemon to stop, waits for it to say it has (it drains first: its graces), then
     * for its process to be gone, at most {@code exitWithin} more. The process is held by a
     * pidfd opened before the request, so that its number passing to another cannot fool the wait.
     */
    public static Stopped stop(Path socket, java.time.Duration exitWithin) throws IOException {
        var daemon = new int[] {-1, -1};
        try {
            var reply = exchange(socket, new ControlMessages.Request("stop", null), daemon);
            boolean exited = reply.ok() && daemon[1] >= 0 && Processes.awaitExit(daemon[1], exitWithin);
            return new Stopped(reply, exited, daemon[0]);
        } finally {
            if (daemon[1] >= 0) {
                try {
                    org.jinetd.daemon.os.Libc.close(daemon[1]);
                } catch (org.jinetd.daemon.os.Libc.Failure e) {
                    // Closed with the process.
                }
            }
        }
    }

    /**
     * One request and its reply; with {@code daemon}, the pid of the process that answers and a
     * pidfd of it are put there ({-1, -1} where none can be had).
     */
    private static ControlMessages.Reply exchange(Path socket, ControlMessages.Request request, int[] daemon)
            throws IOException {
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("no jinetd answers on " + socket + " (" + e.getMessage() + ")", e);
            }
            int pid = trust(socket, channel);
            if (daemon != null) {
                daemon[0] = pid;
                try {
                    daemon[1] = org.jinetd.daemon.os.Pids.pidfdOpen(pid);
                } catch (org.jinetd.daemon.os.Libc.Failure | RuntimeException | LinkageError e) {
                    // No pidfd: the reply alone says it stopped.
                }
            }
            var out = Channels.newOutputStream(channel);
            out.write(ControlJson.write(request));
            out.write('\n');
            out.flush();
            channel.shutdownOutput();
            var reply = Channels.newInputStream(channel).readNBytes(MAX_REPLY);
            if (reply.length == 0) {
                throw new IOException("jinetd on " + socket + " closed without a reply");
            }
            try {
                return ControlJson.readReply(reply);
            } catch (IOException e) {
                throw new IOException("jinetd on " + socket + " sent a reply that is not one: " + e.getMessage(), e);
            }
        }
    }

    /** Before a word is sent: is the listener root or this user? Its pid if so. */
    private static int trust(Path socket, SocketChannel channel) throws IOException {
        int ownUid = (int) new com.sun.security.auth.module.UnixSystem().getUid();
        var peer = Credentials.of(channel);
        if (peer.isEmpty()) {
            throw new IOException("cannot tell who listens on %s%s; not asking it".formatted(socket,
                    Fds.unavailable().map(why -> " (" + why + ")").orElse("")));
        }
        int uid = peer.get().uid();
        if (uid != 0 && uid != ownUid) {
            throw new IOException(("%s is held by uid %d (pid %d), neither root nor this user (uid %d); "
                    + "not believing it").formatted(socket, uid, peer.get().pid(), ownUid));
        }
        return (int) peer.get().pid();
    }
}
