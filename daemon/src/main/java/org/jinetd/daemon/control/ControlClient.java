package org.jinetd.daemon.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** The command line's side of the control socket. */
public final class ControlClient {
    private ControlClient() {}

    /** Sends one request and waits for its reply. */
    public static ControlMessages.Reply ask(Path socket, ControlMessages.Request request) throws IOException {
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("no jinetd answers on " + socket + " (" + e.getMessage() + ")", e);
            }
            var out = Channels.newOutputStream(channel);
            out.write(ControlMessages.JSON.writeValueAsBytes(request));
            out.write('\n');
            out.flush();
            channel.shutdownOutput();
            var reply = Channels.newInputStream(channel).readAllBytes();
            if (reply.length == 0) {
                throw new IOException("jinetd on " + socket + " closed without a reply");
            }
            return ControlMessages.JSON.readValue(reply, ControlMessages.Reply.class);
        }
    }
}
