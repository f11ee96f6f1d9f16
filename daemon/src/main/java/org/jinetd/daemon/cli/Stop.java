package org.jinetd.daemon.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.jinetd.daemon.control.ControlClient;
import org.jinetd.daemon.control.ControlMessages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "stop", mixinStandardHelpOptions = true,
        header = "Stop a running daemon as SIGTERM does: stop listening, drain, end the rest.")
final class Stop implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ControlOption control;

    @Override
    public Integer call() {
        try {
            var reply = ControlClient.ask(control.socket(), new ControlMessages.Request("stop", null));
            (reply.ok() ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(reply.message());
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().flush();
            return reply.ok() ? ExitCodes.OK : ExitCodes.NOT_ALLOWED;
        } catch (IOException e) {
            spec.commandLine().getErr().println("jinetd: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.NOT_RUNNING;
        }
    }
}
