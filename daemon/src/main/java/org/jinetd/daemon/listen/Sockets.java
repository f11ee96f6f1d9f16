package org.jinetd.daemon.listen;

import java.io.IOException;
import java.util.Locale;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.Fds;
import org.jinetd.daemon.os.Libc;

/** How socket failures read in messages: the system's reason, as inetd's {@code %m}. */
final class Sockets {
    private Sockets() {}

    static String reason(IOException e) {
        var message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }

    /**
     * EMFILE: this process has no descriptor number left below its soft limit. The JDK gives
     * no errno, and its message is the C library's in the daemon's language (the LANG that
     * systemd gives a service): the English one is read, any other is told by asking for a
     * copy of the listening socket, which fails with EMFILE alone where no number is left
     * (ENFILE, the machine's table, is not this process's to raise).
     */
    static boolean outOfDescriptors(IOException e, java.nio.channels.Channel listening) {
        var message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("too many open files")) {
            return !message.contains("in system");
        }
        return noNumberLeft(listening);
    }

    /** Whether no descriptor number is left below the soft limit: a copy of {@code open} cannot be had (and is closed if it can). */
    private static boolean noNumberLeft(java.nio.channels.Channel open) {
        try {
            int copy = Descriptors.dupAbove(Fds.of(open), 0);
            Libc.close(copy);
            return false;
        } catch (Libc.Failure f) {
            return f.errno == Libc.EMFILE;
        } catch (IllegalStateException | LinkageError e) {
            // No number to copy (no access to the JDK's): not known, so not taken for a shortage.
            return false;
        }
    }
}
