package org.jinetd.daemon.launch.spawner;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.UnixMessages;

/**
 * What a spawner has written on its socket and not yet been read, taken apart into replies,
 * none of them checked yet against what was asked ({@link SpawnerAnswers} does that). A message
 * longer than any the spawner may send is cut by the kernel, and refused; a descriptor it
 * sends is closed by the kernel, as none is accepted.
 */
final class SpawnerReplies {
    private static final int ECONNRESET = 104;

    /**
     * One message, or what stands in its place.
     *
     * @param replies what it said, in order
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

    /**
     * The next message, without waiting; null when there is none now. Each is checked before
     * the next is read, so that a spawner that floods its socket is refused at its first
     * message that was not asked for.
     */
    Read next() {
        UnixMessages.Received message;
        try {
            message = UnixMessages.receive(socket, buffer, 0, false);
        } catch (Libc.Failure e) {
            return e.errno == ECONNRESET ? new Read(List.of(), true, null)
                    : new Read(List.of(), false, "could not be read (" + e.getMessage() + ")");
        }
        if (message == null) {
            return null;
        }
        if (message.data().length == 0) {
            return new Read(List.of(), true, null);
        }
        if (message.truncated()) {
            return new Read(List.of(), false, LONGER);
        }
        return parse(message.data());
    }

    private static final String LONGER = "sent a message longer than " + SpawnWire.MOST_REPLY + " bytes";

    /** The replies in one message of a spawner, or why it is refused. */
    static Read parse(byte[] message) {
        if (message.length > SpawnWire.MOST_REPLY) {
            return new Read(List.of(), false, LONGER);
        }
        try {
            return new Read(SpawnWire.replies(message), false, null);
        } catch (IllegalArgumentException e) {
            return new Read(List.of(), false, "sent a message that does not parse (" + e.getMessage() + ")");
        }
    }
}
