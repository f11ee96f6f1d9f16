package org.jinetd.daemon.cli;

import org.jinetd.daemon.os.Exit;

/** The {@code jinetd} command. The only place that exits. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        var log = LogSetup.configure(System.getenv());
        int status = Jinetd.commandLine(args, log).execute(args);
        // Everything is done and closed; what is left to write is in these two.
        System.out.flush();
        System.err.flush();
        Exit.now(status);
    }
}
