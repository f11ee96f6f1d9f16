package org.jinetd.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.LogDestination;
import org.jinetd.daemon.config.Problem;
import org.jinetd.daemon.config.ServiceTable;
import org.jinetd.daemon.control.ControlMessages;
import org.jinetd.daemon.control.Reloaded;
import org.jinetd.daemon.control.ControlServer;
import org.jinetd.daemon.control.IdleHeap;
import org.jinetd.daemon.control.Notifier;
import org.jinetd.daemon.control.Signals;
import org.jinetd.daemon.listen.Passed;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.log.LogOutput;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.os.SystemdSockets;

/**
 * The daemon's life from start to stop: reads the table, starts the {@link Daemon}, then
 * answers signals and control requests on one thread until a stop. A reload reads the new
 * table on a thread of its own, so that a stop is handled while a table is being read, and
 * applies it here; whatever goes wrong in reading leaves the running table served.
 */
public final class Supervisor {
    private final Function<Path, Loaded> reader;
    private final Path file;
    private final ConnectionLog log;
    private final Signals signals;
    private final LogOutput output;

    /** Replies owed to {@code jinetd reload}s that asked while a table was being read. */
    private final List<CompletableFuture<ControlMessages.Reply>> owed = new ArrayList<>();
    private boolean reading;
    /** A reload was asked while a table was being read: read again once it is done. */
    private String again;

    /** How the daemon ended, as a result rather than an exception. */
    public sealed interface Outcome {
        /** Stopped after draining. */
        record Stopped() implements Outcome {}

        /** The table has problems; nothing was bound. */
        record BadTable(List<Problem> problems) implements Outcome {}

        /** The table is good, but the daemon could not start (a port could not be bound). */
        record CannotStart(String why) implements Outcome {}
    }

    /**
     * @param reader  reads a table ({@link Config#read}); kept for the daemon's life, so that a
     *                reload opens only the plugin jars that changed
     * @param signals where stop and reload requests arrive (installed for the process's signals by the caller)
     * @param output  where the log goes: moved to the table's {@code log:} once it is read, and at each reload
     */
    public Supervisor(Function<Path, Loaded> reader, Path file, ConnectionLog log, Signals signals, LogOutput output) {
        this.reader = reader;
        this.file = file;
        this.log = log;
        this.signals = signals;
        this.output = output;
    }

    /** Serves {@code file} until a stop; the caller maps the outcome to an exit code. */
    public Outcome run() throws InterruptedException {
        var loaded = read(file);
        if (loaded instanceof Loaded.Bad(var problems)) {
            return new Outcome.BadTable(problems);
        }
        var table = ((Loaded.Ok) loaded).table();
        logTo(table);
        Daemon daemon;
        // The control socket is up before the ready line, as before READY=1: whoever sees either may ask.
        var opened = new java.util.concurrent.atomic.AtomicReference<Optional<ControlServer>>(Optional.empty());
        try {
            daemon = Daemon.start(table, log, new Passed(SystemdSockets.take(System.getenv())),
                    started -> opened.set(control(started)));
        } catch (IOException e) {
            log.warn("jinetd: " + e.getMessage() + "; not starting");
            return new Outcome.CannotStart(e.getMessage());
        } catch (Daemon.StartFailure e) {
            var why = "%d service%s could not listen".formatted(e.failures().size(), e.failures().size() == 1 ? "" : "s");
            log.warn("jinetd: " + why + "; not starting");
            return new Outcome.CannotStart(why);
        }
        var control = opened.get();
        try (var notifier = Notifier.from(System.getenv(), log);
             var heap = new IdleHeap(daemon::activity, log)) {
            notifier.ready(summary(daemon));
            while (true) {
                switch (signals.next()) {
                    case Signals.Request.Stop stop -> {
                        log.note("stop: " + stop.signal() + " received" + (reading ? " while a table was being read" : ""));
                        notifier.stopping();
                        control.ifPresent(ControlServer::close);
                        settle(ControlMessages.Reply.of(false, "stopping; the table being read was not applied"));
                        daemon.stop();
                        control.ifPresent(ControlServer::finish);
                        return new Outcome.Stopped();
                    }
                    case Signals.Request.Reload reload -> {
                        if (reload.reply() != null) {
                            owed.add(reload.reply());
                        }
                        if (reading) {
                            again = reload.from();
                        } else {
                            notifier.reloading();
                            startReading(reload.from());
                        }
                    }
                    case Signals.Request.Read read -> {
                        reading = false;
                        var reply = apply(daemon, read.outcome());
                        if (again != null) {
                            // Someone asked again while this table was read: the file may have changed since.
                            var from = again;
                            again = null;
                            startReading(from);
                        } else {
                            settle(reply);
                            notifier.ready(summary(daemon) + (reply.ok() ? "" : "; last reload failed"));
                        }
                    }
                }
            }
        }
    }

    /** Reads the table on a thread of its own; the outcome comes back to the main loop as a request. */
    private void startReading(String from) {
        reading = true;
        log.note("reload: " + from + " received; reading " + file);
        Thread.ofPlatform().daemon(true).name("reload").start(() -> signals.request(new Signals.Request.Read(read(file))));
    }

    /**
     * The table, or its problems; never an exception. Anything the reader did not foresee (an
     * error, running out of memory on a huge value) is a problem of the file, so that a reload
     * keeps the running table and says why.
     */
    private Loaded read(Path table) {
        try {
            return reader.apply(table);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | LinkageError e) {
            return new Loaded.Bad(List.of(new Problem(table, 1, 1, "cannot read: %s%s".formatted(
                    e.getClass().getSimpleName(), e.getMessage() == null ? "" : ": " + printable(e.getMessage())),
                    "a table jinetd can read")));
        }
    }

    /** A message fit for one log line: a NUL or a newline in it is shown as '?'. */
    private static String printable(String message) {
        return message.replaceAll("\\p{Cntrl}", "?");
    }

    /** Moves the daemon to a table read anew; a bad one changes nothing, and every problem is logged and returned. */
    private ControlMessages.Reply apply(Daemon daemon, Loaded outcome) {
        return switch (outcome) {
            case Loaded.Bad(var problems) -> {
                problems.forEach(p -> log.warn("reload: problem=" + LogText.quoted(p.toString())));
                var message = "%s has %d problem%s; still serving the table loaded before".formatted(file,
                        problems.size(), problems.size() == 1 ? "" : "s");
                log.warn("reload: " + message);
                yield new ControlMessages.Reply(false, message, problems.stream().map(Object::toString).toList(),
                        null, null);
            }
            case Loaded.Ok(var next) -> {
                if (!next.controlSocket().equals(daemon.table().controlSocket())) {
                    log.warn("reload: control_socket changed; it moves at the next start");
                }
                logTo(next);
                Reloaded reloaded;
                try {
                    reloaded = daemon.reload(next);
                } catch (RuntimeException e) {
                    log.warn("reload: " + file + " could not be applied: " + LogText.thrown(e));
                    yield ControlMessages.Reply.of(false, "%s could not be applied: %s".formatted(file, e));
                }
                yield new ControlMessages.Reply(reloaded.failed().isEmpty(), "reloaded " + file + ": "
                        + reloaded.summary(), reloaded.failed().isEmpty() ? null : reloaded.failed(), reloaded, null);
            }
        };
    }

    /** Sends the log where {@code table} says; a file is opened anew, so that a reload follows logrotate. */
    private void logTo(ServiceTable table) {
        switch (table.log().orElse(null)) {
            case null -> output.toDefault();
            case LogDestination.Stderr _ -> output.toStderr();
            case LogDestination.Journal _ -> output.toJournal();
            case LogDestination.Syslog _ -> output.toSyslog();
            case LogDestination.File(var path) -> output.toFile(path);
        }
    }

    /** Answers every {@code jinetd reload} still waiting. */
    private void settle(ControlMessages.Reply reply) {
        owed.forEach(f -> f.complete(reply));
        owed.clear();
    }

    private static String summary(Daemon daemon) {
        int listening = daemon.listeners().size();
        return "%d service%s listening, %d connection%s live".formatted(listening, listening == 1 ? "" : "s",
                daemon.live(), daemon.live() == 1 ? "" : "s");
    }

    /** The control socket, where the table asks for one. */
    private Optional<ControlServer> control(Daemon daemon) {
        var path = daemon.table().controlSocket();
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            var server = ControlServer.open(path.get(), request -> answer(daemon, request), log);
            log.note("control: listening on " + server.path());
            return Optional.of(server);
        } catch (IOException e) {
            log.warn("control: cannot listen on %s: %s; status, reload and stop work only by signal".formatted(
                    path.get(), e.getMessage()));
            return Optional.empty();
        }
    }

    /** What the daemon does for a control request; runs on the control socket's thread. */
    private ControlMessages.Reply answer(Daemon daemon, ControlMessages.Request request) {
        return switch (String.valueOf(request.command())) {
            case "status" -> new ControlMessages.Reply(true, summary(daemon), null, null,
                    DaemonStatus.of(daemon, Optional.ofNullable(request.service())));
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
        };
    }
}
