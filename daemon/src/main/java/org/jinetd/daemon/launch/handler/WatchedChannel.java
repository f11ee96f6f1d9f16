package org.jinetd.daemon.launch.handler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/** A handler's view of its connection: every byte moved counts as activity for {@code timeout_idle}. */
public final class WatchedChannel implements ByteChannel {
    private final ByteChannel channel;
    private final Runnable touch;

    /** @param touch what notes the activity (the connection's watchdog) */
    public WatchedChannel(ByteChannel channel, Runnable touch) {
        this.channel = channel;
        this.touch = touch;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = channel.read(dst);
        if (n > 0) {
            touch.run();
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = channel.write(src);
        if (n > 0) {
            touch.run();
        }
        return n;
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
