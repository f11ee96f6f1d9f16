package org.jinetd.daemon.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.jinetd.daemon.os.Credentials;
import org.jinetd.daemon.os.Fds;

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
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("no jinetd answers on " + socket + " (" + e.getMessage() + ")", e);
            }
            trust(socket, channel);
            var out = Channels.newOutputStream(channel);
            out.write(ControlMessages.JSON.writeValueAsBytes(request));
            out.write('\n');
            out.flush();
            channel.shutdownOutput();
            var reply = Channels.newInputStream(channel).readNBytes(MAX_REPLY);
            if (reply.length == 0) {
                throw new IOException("jinetd on " + socket + " closed without a reply");
            }
            return ControlMessages.JSON.readValue(reply, ControlMessages.Reply.class);
        }
    }

    /** Before a word is sent: is the listener root or this user? */
    private static void trust(Path socket, SocketChannel channel) throws IOException {
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
    }
}
