package org.jinetd.daemon.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * A connection whose first bytes were taken off its socket already (with a balancer's PROXY
 * header, in the same read): reads give those bytes first, then the socket's. Writes go
 * straight to the socket. Reads are one at a time, as a socket channel's are: a handler
 * that reads from two threads gets each byte once.
 */
final class ReadAhead implements ByteChannel {
    private final ByteBuffer ahead;
    private final ByteChannel channel;

    ReadAhead(ByteBuffer ahead, ByteChannel channel) {
        this.ahead = ahead;
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (this) {
            if (ahead.hasRemaining()) {
                if (!channel.isOpen()) {
                    throw new java.nio.channels.ClosedChannelException();
                }
                int n = Math.min(ahead.remaining(), dst.remaining());
                dst.put(ahead.slice(ahead.position(), n));
                ahead.position(ahead.position() + n);
                return n;
            }
        }
        // The socket's own reads are one at a time; no lock is held while one waits.
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
