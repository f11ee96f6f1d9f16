package org.jinetd.daemon.cli;

import java.util.concurrent.Callable;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.Service;
import picocli.CommandLine.Model.CommandSpec;

final class Check implements Callable<Integer> {
    final CommandSpec spec = Commands.of(this, "check", "Validate a service table and report every problem.",
            "Reads the table as 'run' would, and prints each problem as FILE:LINE:COLUMN, or what it "
                    + "would serve. Binds nothing.");
    private final TableOption table = new TableOption(spec);

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        return switch (Config.load(table.file())) {
            case Loaded.Bad(var problems) -> {
                problems.forEach(err::println);
                err.println("%s: %d problem%s".formatted(table.file(), problems.size(), problems.size() == 1 ? "" : "s"));
                err.flush();
                yield ExitCodes.BAD_TABLE;
            }
            case Loaded.Ok(var t) -> {
                int enabled = t.enabled().size();
                int disabled = t.services().size() - enabled;
                out.println("%s: ok: %d service%s, %d listener%s%s".formatted(t.file(), t.services().size(),
                        t.services().size() == 1 ? "" : "s", enabled, enabled == 1 ? "" : "s",
                        disabled == 0 ? "" : ", " + disabled + " disabled"));
                ServiceRows.print(t.services(), out);
                tls(t.services(), out);
                sockets(t.services(), out);
                yield ExitCodes.OK;
            }
        };
    }

    /**
     * A unix socket in a directory anyone may write in (a sticky one, as /tmp): jinetd replaces
     * what is there as it starts, but until then any user may bind that path, and a client
     * that connects before the start reaches them. A directory of root's alone holds it safely.
     * And a deferred accept in front of a server that speaks first: its clients wait it out.
     * A disabled service binds nothing, and is not looked at.
     */
    private static void sockets(java.util.List<Service> services, java.io.PrintWriter out) {
        for (var service : services) {
            if (service.disabled()) {
                continue; // it binds nothing
            }
            service.deferredFirstWords().ifPresent(warning -> out.println("WARN " + service.name() + ": " + warning));
            if (service.endpoint() instanceof org.jinetd.daemon.config.Endpoint.Unix unix) {
                var dir = unix.path().toAbsolutePath().getParent();
                try {
                    if ((org.jinetd.daemon.os.FileStatus.of(dir).mode() & 0002) != 0) {
                        var escaped = org.jinetd.daemon.log.LogText.escaped(dir.toString());
                        out.println("WARN " + service.name() + ": its socket's directory " + escaped
                                + " may be written in by anyone: another user may bind "
                                + org.jinetd.daemon.log.LogText.escaped(unix.path().toString())
                                + " while jinetd is not listening there, and take its clients; a directory"
                                + " no one else may write in, such as /run/jinetd, holds it safely");
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // Not there yet: the daemon's start says what it finds.
                }
            }
        }
    }

    /**
     * Each certificate a service serves, and what its admin should hear of before its clients
     * do: an expired certificate is still served (stunnel serves it too), with a warning.
     */
    private static void tls(java.util.List<Service> services, java.io.PrintWriter out) {
        var now = java.time.Instant.now();
        for (var service : services) {
            service.tls().ifPresent(tls -> {
                tls.facts().forEach(fact -> out.println("tls " + service.name() + ": " + fact));
                tls.warnings(now).forEach(warning -> out.println("WARN " + service.name() + ": " + warning));
            });
        }
    }
}
