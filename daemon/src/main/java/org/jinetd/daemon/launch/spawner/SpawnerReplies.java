package org.jinetd.daemon.launch.spawner;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.UnixMessages;

/**
 * What a spawner has written on its socket and not yet been read, taken apart into replies,
 * none of them checked yet against what was asked ({@link SpawnerLink} does that). A message
 * longer than any the spawner may send is cut by the kernel, and refused; a descriptor it
 * sends is closed by the kernel, as none is accepted.
 */
final class SpawnerReplies {
    private static final int ECONNRESET = 104;

    /**
     * What one read found.
     *
     * @param replies what parsed, in order, up to the first problem
     * @param closed  the spawner closed its end (or exited with requests unread)
     * @param failure what is wrong with what it sent, or null
     */
    record Read(List<SpawnWire.Reply> replies, boolean closed, String failure) {}

    private final int socket;
    /** One byte past the longest reply, so that a longer message shows as cut. */
    private final MemorySegment buffer = UnixMessages.buffer(SpawnWire.MOST_REPLY + 1);

    SpawnerReplies(int socket) {
        this.socket = socket;
    }

    /** Reads every message there is now, without waiting. */
    Read read() {
        var replies = new ArrayList<SpawnWire.Reply>();
        while (true) {
            UnixMessages.Received message;
            try {
                message = UnixMessages.receive(socket, buffer, 0, false);
            } catch (Libc.Failure e) {
                return e.errno == ECONNRESET ? new Read(replies, true, null)
                        : new Read(replies, false, "could not be read (" + e.getMessage() + ")");
            }
            if (message == null) {
                return new Read(replies, false, null);
            }
            if (message.data().length == 0) {
                return new Read(replies, true, null);
            }
            if (message.truncated()) {
                return new Read(replies, false, "sent a message longer than " + SpawnWire.MOST_REPLY + " bytes");
            }
            try {
                replies.addAll(SpawnWire.replies(message.data()));
            } catch (IllegalArgumentException e) {
                return new Read(replies, false, "sent a message that does not parse (" + e.getMessage() + ")");
            }
        }
    }
}
