package org.jinetd.daemon.launch.program;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Tools;

/**
 * What starts a program: the argv, the environment of the first process and the working
 * directory. The program is put behind small programs (wrappers) that set up what
 * posix_spawn cannot, each only where it is needed, in this order: {@code setsid} (a session of its
 * own, for programs the JDK starts), {@code prlimit} (rlimits, while still root), {@code nice},
 * a shell for the umask, {@code setpriv} (the user, last of those that need root), then
 * {@code env -i}, which runs as the program's user and gives the program its environment.
 *
 * <p>The wrappers get a fixed environment (PATH only): the service's environment may hold
 * {@code LD_PRELOAD}, {@code LD_LIBRARY_PATH}, {@code GCONV_PATH} and the like, which must
 * never reach a process that runs as root before the switch of user. Its values travel as
 * arguments of {@code env}, which no shell reads. A program with no wrapper gets its
 * environment from posix_spawn directly: one exec.
 *
 * @param argv the first process and its arguments
 * @param env  the first process's whole environment
 * @param cwd  the working directory
 */
public record Command(List<String> argv, Map<String, String> env, String cwd) {
    /** All a wrapper gets. */
    public static final Map<String, String> WRAPPERS_ENV = Map.of("PATH", ChildEnvironment.PATH);
    private static final String ENV = Tools.ENV.orElse("/usr/bin/env");
    private static final List<String> UMASK = List.of("/bin/sh", "-c", "umask \"$0\" && exec \"$@\"");
    /** LISTEN_PID is the program's own pid: this shell's, which the execs that follow keep. */
    private static final List<String> LISTEN_PID = List.of("/bin/sh", "-c",
            "exec \"$0\" -i -- LISTEN_PID=$$ \"$@\"");
    /** env reads every word with a '=' before the program as a variable: such a program goes behind a shell. */
    private static final List<String> EXEC = List.of("/bin/sh", "-c", "exec \"$@\"", "jinetd-exec");

    public Command {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /**
     * @param environment the program's whole environment
     * @param setup       what every program of this daemon gets besides what its service asks
     * @param ownSession  whether a wrapper must make the session (the JDK's spawn does not)
     */
    static Command of(Launch.Exec exec, Map<String, String> environment, Setup setup, boolean ownSession) {
        return of(exec, environment, wrappers(exec, setup, ownSession));
    }

    /**
     * What the spawner of the program's user runs: it is that user already, and sets the umask
     * and the limit of open files itself around its posix_spawn. What is left is {@code nice}
     * (never negative there) and the shells of {@code listen_fds} and of a path with a '='.
     */
    public static Command forSpawner(Launch.Exec exec, Map<String, String> environment) {
        var wrappers = new ArrayList<String>();
        exec.resources().nice().ifPresent(n -> wrappers.addAll(List.of(Tools.NICE.orElse("nice"), "-n",
                Integer.toString(n), "--")));
        return of(exec, environment, wrappers);
    }

    private static Command of(Launch.Exec exec, Map<String, String> environment, List<String> wrappers) {
        var cwd = exec.resources().cwd().orElse("/");
        if (wrappers.isEmpty() && !exec.listenFds()) {
            return new Command(exec.argv(), environment, cwd);
        }
        var command = new ArrayList<>(wrappers);
        if (exec.listenFds()) {
            command.addAll(LISTEN_PID);
            command.add(ENV);
        } else {
            command.addAll(List.of(ENV, "-i", "--"));
        }
        environment.forEach((k, v) -> command.add(k + "=" + v));
        if (exec.argv().getFirst().contains("=")) {
            command.addAll(EXEC);
        }
        command.addAll(exec.argv());
        return new Command(command, WRAPPERS_ENV, cwd);
    }

    private static List<String> wrappers(Launch.Exec exec, Setup setup, boolean ownSession) {
        var command = new ArrayList<String>();
        if (ownSession) {
            command.add(Tools.SETSID.orElse("setsid"));
        }
        var resources = exec.resources();
        var limits = new ArrayList<String>();
        for (Map.Entry<String, Long> limit : resources.rlimits().entrySet()) {
            var value = limit.getValue() < 0 ? "unlimited" : Long.toString(limit.getValue());
            limits.add("--" + limit.getKey().toLowerCase(Locale.ROOT) + "=" + value + ":" + value);
        }
        // The daemon raised its own soft limit of open files: the program gets the one the daemon started with.
        setup.openFiles().filter(n -> !resources.rlimits().containsKey("nofile"))
                .ifPresent(n -> limits.add("--nofile=" + n + ":"));
        if (!limits.isEmpty()) {
            command.add(Tools.PRLIMIT.orElse("prlimit"));
            command.addAll(limits);
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
        return command;
    }
}
