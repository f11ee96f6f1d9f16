package org.jinetd.daemon.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Tools;

/**
 * The argv that starts a program: the program itself, behind the small programs that set
 * up what posix_spawn cannot, each only where a key asks for it, in this order:
 * {@code prlimit} (rlimits, while still root), {@code nice}, a shell for the umask,
 * {@code setpriv} (the user, last, so that nothing runs as root after it), and for
 * {@code listen_fds} a shell that sets LISTEN_PID to the program's own pid.
 */
final class Command {
    private static final List<String> UMASK = List.of("/bin/sh", "-c", "umask \"$0\" && exec \"$@\"");
    private static final List<String> LISTEN_PID =
            List.of("/bin/sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec \"$@\"", "jinetd-listen-fds");

    private Command() {}

    static List<String> of(Launch.Exec exec) {
        var command = new ArrayList<String>();
        var resources = exec.resources();
        if (!resources.rlimits().isEmpty()) {
            command.add(Tools.PRLIMIT.orElse("prlimit"));
            for (Map.Entry<String, Long> limit : resources.rlimits().entrySet()) {
                var value = limit.getValue() < 0 ? "unlimited" : Long.toString(limit.getValue());
                command.add("--" + limit.getKey().toLowerCase(Locale.ROOT) + "=" + value + ":" + value);
            }
            command.add("--");
        }
        resources.nice().ifPresent(n -> command.addAll(List.of(Tools.NICE.orElse("nice"), "-n", Integer.toString(n),
                "--")));
        resources.umask().ifPresent(mask -> {
            command.addAll(UMASK);
            command.add("%03o".formatted(mask));
        });
        var runAs = exec.runAs();
        if (runAs.switches()) {
            command.addAll(List.of(Tools.SETPRIV.orElse("setpriv"), "--reuid=" + runAs.uid(), "--regid=" + runAs.gid(),
                    runAs.uid() == 0 ? "--keep-groups" : "--init-groups", "--"));
        }
        if (exec.listenFds()) {
            command.addAll(LISTEN_PID);
        }
        command.addAll(exec.argv());
        return command;
    }

    /** The working directory: the service's {@code cwd}, or {@code /}. */
    static String cwd(Launch.Exec exec) {
        return exec.resources().cwd().orElse("/");
    }
}
