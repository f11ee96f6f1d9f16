package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

final class Reload implements Callable<Integer> {
    final CommandSpec spec = Commands.of(this, "reload", "Make a running daemon read its table again, and wait until it has.",
            "Asks the daemon on the control socket, as SIGHUP does, and prints what it answers: every "
                    + "problem (FILE:LINE:COLUMN) of a bad table, which changes nothing.");
    private final ControlOption control = new ControlOption(spec);

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var answer = control.ask("reload", null, err);
        if (answer.isEmpty()) {
            return ExitCodes.NOT_RUNNING;
        }
        var reply = answer.get();
        if (reply.problems() != null) {
            reply.problems().forEach(err::println);
        }
        (reply.ok() ? out : err).println((reply.ok() ? "" : "jinetd: ") + reply.message());
        out.flush();
        err.flush();
        if (reply.ok()) {
            return ExitCodes.OK;
        }
        if (reply.reloaded() != null) {
            return ExitCodes.CANNOT_START;
        }
        return reply.problems() != null ? ExitCodes.BAD_TABLE : ExitCodes.NOT_ALLOWED;
    }
}
