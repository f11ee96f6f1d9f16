package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "reload", mixinStandardHelpOptions = true,
        header = "Make a running daemon read its table again, and wait until it has.",
        description = "Asks the daemon on the control socket, as SIGHUP does, and prints what it answers: every "
                + "problem (FILE:LINE:COLUMN) of a bad table, which changes nothing.")
final class Reload implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ControlOption control;

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
