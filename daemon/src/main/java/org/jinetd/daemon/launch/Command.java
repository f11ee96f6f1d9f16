package org.jinetd.daemon.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Tools;
import org.jinetd.daemon.os.ThreadCredentials;

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
        return of(exec, false);
    }

    /**
     * @param switched the spawning thread itself acts as the user ({@link #switchesInThread}),
     *                 so no setpriv is needed
     */
    static List<String> of(Launch.Exec exec, boolean switched) {
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
        if (runAs.switches() && !switched) {
            command.addAll(List.of(Tools.SETPRIV.orElse("setpriv"), "--reuid=" + runAs.uid(), "--regid=" + runAs.gid(),
                    runAs.uid() == 0 ? "--keep-groups" : "--init-groups", "--"));
        }
        if (exec.listenFds()) {
            command.addAll(LISTEN_PID);
        }
        command.addAll(exec.argv());
        return command;
    }

    /**
     * Whether this thread can spawn the program as its user itself, without setpriv: a
     * platform thread of a root daemon, a user other than root whose groups are known, and
     * nothing that must run as root before the switch (rlimits, a nice value).
     */
    static boolean switchesInThread(Launch.Exec exec) {
        var runAs = exec.runAs();
        return runAs.switches() && runAs.uid() != 0 && !runAs.groups().isEmpty()
                && exec.resources().rlimits().isEmpty() && exec.resources().nice().isEmpty()
                && !Thread.currentThread().isVirtual() && ThreadCredentials.unavailable().isEmpty();
    }

    /** The working directory: the service's {@code cwd}, or {@code /}. */
    static String cwd(Launch.Exec exec) {
        return exec.resources().cwd().orElse("/");
    }
}
