package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "stop", mixinStandardHelpOptions = true,
        header = "Stop a running daemon as SIGTERM does: stop listening, drain, end the rest.",
        description = "Returns once the daemon has stopped, and exits 0; 4 when no daemon answers on the control socket, or the one "
                + "that answers runs as neither root nor this user (it is then not asked); 77 when the daemon refuses "
                + "this user.")
final class Stop implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ControlOption control;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var answer = control.ask("stop", null, err);
        if (answer.isEmpty()) {
            return ExitCodes.NOT_RUNNING;
        }
        // The daemon keeps the connection open until it has stopped: an answer now means it has.
        (answer.get().ok() ? out : err).println(answer.get().ok() ? "stopped" : answer.get().message());
        out.flush();
        err.flush();
        return answer.get().ok() ? ExitCodes.OK : ExitCodes.NOT_ALLOWED;
    }
}
