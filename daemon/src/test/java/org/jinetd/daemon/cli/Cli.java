package org.jinetd.daemon.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a jinetd command in this JVM, as a user would from a shell, and keeps what it printed. */
record Cli(int code, String out, String err) {
    static Cli run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var line = Jinetd.commandLine(args);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }
}
