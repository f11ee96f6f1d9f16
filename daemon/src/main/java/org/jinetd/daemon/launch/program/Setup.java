package org.jinetd.daemon.launch.program;

import java.util.Optional;
import org.jinetd.daemon.os.Libc;

/**
 * What every program of this daemon gets besides what its service asks for.
 *
 * @param openFiles the soft limit of open files to give back to programs ({@code 1024},
 *                  {@code unlimited}), where the daemon's own is not the one it was started
 *                  with: the JVM raises its soft limit to the hard one as it starts, and a
 *                  program that uses select() breaks above 1024. The launcher reads the limit
 *                  it was started with ({@code ulimit -Sn}) into {@value #PROPERTY}.
 */
public record Setup(Optional<String> openFiles) {
    static final String PROPERTY = "jinetd.nofile";

    /** This daemon's: from {@value #PROPERTY}, when it is set and differs from the limit in force. */
    public static Setup ofThisDaemon() {
        return new Setup(restore(System.getProperty(PROPERTY)));
    }

    static Optional<String> restore(String started) {
        if (started == null || !started.matches("unlimited|[0-9]{1,18}")) {
            return Optional.empty();
        }
        long now;
        try {
            now = Libc.openFilesSoftLimit();
        } catch (Libc.Failure | LinkageError | RuntimeException e) {
            // Not known: give it back anyway, which is right in either case.
            return Optional.of(started);
        }
        var same = started.equals("unlimited") ? now < 0 : Long.parseLong(started) == now;
        return same ? Optional.empty() : Optional.of(started);
    }
}
