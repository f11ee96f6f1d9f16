package org.jinetd.daemon.cli;

/** The {@code jinetd} command. The only place that exits. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        var log = LogSetup.configure(System.getenv());
        System.exit(Jinetd.commandLine(args, log).execute(args));
    }
}
