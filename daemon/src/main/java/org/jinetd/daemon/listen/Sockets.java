package org.jinetd.daemon.listen;

import java.io.IOException;
import java.util.Locale;

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

    /** EMFILE: this process has no descriptor number left below its soft limit. */
    static boolean outOfDescriptors(IOException e) {
        var message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        // ENFILE reads "too many open files in system": the machine's table, which no limit of ours raises.
        return message.contains("too many open files") && !message.contains("in system");
    }

    /** EMFILE, ENFILE, ENOBUFS, ENOMEM: the machine, not the client, is short of something. */
    static boolean exhausted(IOException e) {
        var message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("too many open files") || message.contains("no buffer space")
                || message.contains("cannot allocate memory");
    }
}
