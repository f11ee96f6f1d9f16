package org.jinetd.daemon.cli;


/** The {@code jinetd} command. The only place that exits. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LogSetup.configure(System.getenv());
        System.exit(Jinetd.commandLine(args).execute(args));
    }
}
