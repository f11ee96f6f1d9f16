package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

final class Stop implements Callable<Integer> {
    /** Once drained and stopped, a daemon's process ends at once: this is a margin for a loaded machine. */
    private static final java.time.Duration EXIT_WITHIN = java.time.Duration.ofSeconds(10);

    final CommandSpec spec = Commands.of(this, "stop",
            "Stop a running daemon as SIGTERM does: stop listening, drain, end the rest.",
            "Returns once the daemon has stopped and its process has exited.");
    private final ControlOption control = new ControlOption(spec);

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var answer = control.stop(EXIT_WITHIN, err);
        if (answer.isEmpty()) {
            return ExitCodes.NOT_RUNNING;
        }
        // The daemon keeps the connection open until it has stopped; then its process goes.
        var stopped = answer.get();
        int code;
        if (!stopped.reply().ok()) {
            err.println(stopped.reply().message());
            code = ExitCodes.NOT_ALLOWED;
        } else if (stopped.exited()) {
            out.println("stopped");
            code = ExitCodes.OK;
        } else {
            err.println("jinetd said it stopped, but its process (pid %d) was still there %ds later"
                    .formatted(stopped.pid(), EXIT_WITHIN.toSeconds()));
            code = ExitCodes.SOFTWARE;
        }
        out.flush();
        err.flush();
        return code;
    }
}
