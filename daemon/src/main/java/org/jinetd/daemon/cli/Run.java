package org.jinetd.daemon.cli;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jinetd.daemon.Daemon;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.Plugins;
import org.jinetd.daemon.control.ControlMessages;
import org.jinetd.daemon.control.ControlServer;
import org.jinetd.daemon.control.IdleHeap;
import org.jinetd.daemon.control.Notifier;
import org.jinetd.daemon.control.Signals;
import org.jinetd.daemon.control.StatusReport;
import org.jinetd.daemon.listen.Passed;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.SystemdSockets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Serve the table in the foreground until SIGTERM or SIGINT.",
        description = "Checks the table, binds every service (all or none), logs one 'ready' line, then serves. "
                + "SIGHUP (or 'jinetd reload') reads the table again. On SIGTERM/SIGINT (or 'jinetd stop') it stops "
                + "listening, lets live connections finish within shutdown_grace, ends the rest and exits 0.")
final class Run implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TableOption table;

    @Override
    public Integer call() throws InterruptedException {
        var err = spec.commandLine().getErr();
        // One for the daemon's life: a reload opens only the plugin jars that changed.
        var config = Config.forThisHost(new Plugins());
        var loaded = config.read(table.file);
        if (loaded instanceof Loaded.Bad(var problems)) {
            problems.forEach(err::println);
            err.println("jinetd: %s has %d problem%s; not starting".formatted(table.file, problems.size(),
                    problems.size() == 1 ? "" : "s"));
            err.flush();
            return ExitCodes.BAD_TABLE;
        }
        var serviceTable = ((Loaded.Ok) loaded).table();
        var signals = new Signals().install();
        var log = new ConnectionLog();
        Daemon daemon;
        try {
            daemon = Daemon.start(serviceTable, log, new Passed(SystemdSockets.take(System.getenv())));
        } catch (IOException e) {
            log.warn("jinetd: " + e.getMessage() + "; not starting");
            return ExitCodes.CANNOT_START;
        } catch (Daemon.StartFailure e) {
            log.warn("jinetd: %d service%s could not listen; not starting".formatted(e.failures().size(),
                    e.failures().size() == 1 ? "" : "s"));
            return ExitCodes.CANNOT_START;
        }
        var control = control(daemon, signals, log);
        try (var notifier = Notifier.from(System.getenv(), log);
             var heap = new IdleHeap(daemon::activity, log)) {
            notifier.ready(summary(daemon));
            while (true) {
                switch (signals.next()) {
                    case Signals.Request.Stop stop -> {
                        log.note("stop: " + stop.signal() + " received");
                        notifier.stopping();
                        control.ifPresent(ControlServer::close);
                        daemon.stop();
                        return ExitCodes.OK;
                    }
                    case Signals.Request.Reload reload -> {
                        notifier.reloading();
                        var reply = reload(config, daemon, log, reload.from());
                        notifier.ready(summary(daemon) + (reply.ok() ? "" : "; last reload failed"));
                        if (reload.reply() != null) {
                            reload.reply().complete(reply);
                        }
                    }
                }
            }
        }
    }

    /** Reads the table again; a bad one changes nothing, and every problem is logged and returned. */
    private ControlMessages.Reply reload(Config config, Daemon daemon, ConnectionLog log, String from) {
        log.note("reload: " + from + " received; reading " + table.file);
        return switch (config.read(table.file)) {
            case Loaded.Bad(var problems) -> {
                problems.forEach(p -> log.warn(p.toString()));
                var message = "%s has %d problem%s; still serving the table loaded before".formatted(table.file,
                        problems.size(), problems.size() == 1 ? "" : "s");
                log.warn("reload: " + message);
                yield new ControlMessages.Reply(false, message, problems.stream().map(Object::toString).toList(),
                        null, null);
            }
            case Loaded.Ok(var next) -> {
                if (!next.controlSocket().equals(daemon.table().controlSocket())) {
                    log.warn("reload: control_socket changed; it moves at the next start");
                }
                var reloaded = daemon.reload(next);
                yield new ControlMessages.Reply(reloaded.failed().isEmpty(), "reloaded " + table.file + ": "
                        + reloaded.summary(), reloaded.failed().isEmpty() ? null : reloaded.failed(), reloaded, null);
            }
        };
    }

    private static String summary(Daemon daemon) {
        int listening = daemon.listeners().size();
        return "%d service%s listening, %d connection%s live".formatted(listening, listening == 1 ? "" : "s",
                daemon.live(), daemon.live() == 1 ? "" : "s");
    }

    /** The control socket, where the table asks for one. */
    private static Optional<ControlServer> control(Daemon daemon, Signals signals, ConnectionLog log) {
        var path = daemon.table().controlSocket();
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            var server = ControlServer.open(path.get(), request -> switch (String.valueOf(request.command())) {
                case "status" -> new ControlMessages.Reply(true, summary(daemon), null, null,
                        StatusReport.of(daemon, Optional.ofNullable(request.service())));
                case "reload" -> {
                    var reply = new CompletableFuture<ControlMessages.Reply>();
                    signals.request(new Signals.Request.Reload("jinetd reload", reply));
                    yield reply.join();
                }
                case "stop" -> {
                    signals.request(new Signals.Request.Stop("jinetd stop"));
                    yield ControlMessages.Reply.of(true, "stopping");
                }
                default -> ControlMessages.Reply.of(false, "unknown command '" + request.command()
                        + "' (expected status, reload or stop)");
            }, log);
            log.note("control: listening on " + server.path());
            return Optional.of(server);
        } catch (IOException e) {
            log.warn("control: cannot listen on %s: %s; status, reload and stop work only by signal".formatted(
                    path.get(), e.getMessage()));
            return Optional.empty();
        }
    }

}
