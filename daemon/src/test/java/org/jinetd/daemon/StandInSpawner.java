package org.jinetd.daemon;

import java.nio.file.Path;
import java.util.List;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.Processes;
import org.jinetd.daemon.os.UnixMessages;

/**
 * A spawner that greets the daemon as the real one does (its hello, with the end of a socket
 * it made, on descriptor 3), or not quite, and then says what its mode tells it, on that
 * socket: for tests of what the daemon takes from a spawner. The daemon starts it as the
 * user, with this test's classes: {@link #command}.
 */
public final class StandInSpawner {
    private StandInSpawner() {}

    /** The command that runs one in {@code mode}: {@code unasked}, {@code foreign}, {@code dumpable}, {@code pipe}, {@code two}. */
    static List<String> command(String mode) {
        var target = Path.of("target").toAbsolutePath();
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED", "-cp",
                target.resolve("classes") + ":" + target.resolve("test-classes"), StandInSpawner.class.getName(), mode);
    }

    public static void main(String[] args) throws Exception {
        if (!args[0].equals("dumpable")) {
            Processes.nonDumpable();
        }
        int[] pair = UnixMessages.pair();
        byte[] hello = {'H', 0, 0, 0, 3};
        switch (args[0]) {
            // Ready, then a program started for request 7, which was never sent.
            case "unasked" -> {
                UnixMessages.send(3, hello, new int[] {pair[1]}, true);
                UnixMessages.send(pair[0], new byte[] {'P', 0, 0, 0, 7, 0, 0, 0x10, 0}, new int[0], true);
            }
            // As a process that took a copy of the first socket would: a socket it did not make
            // (that one, which the daemon made).
            case "foreign" -> UnixMessages.send(3, hello, new int[] {3}, true);
            // A proper hello from a spawner that never made itself non-dumpable.
            case "dumpable" -> UnixMessages.send(3, hello, new int[] {pair[1]}, true);
            // A descriptor that is no socket.
            case "pipe" -> UnixMessages.send(3, hello, new int[] {Descriptors.pipe()[0]}, true);
            // Its socket and one more.
            case "two" -> UnixMessages.send(3, hello, new int[] {pair[1], pair[0]}, true);
            default -> throw new IllegalArgumentException(args[0]);
        }
        Thread.sleep(60_000);
    }
}
