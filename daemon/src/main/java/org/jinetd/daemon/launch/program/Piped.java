package org.jinetd.daemon.launch.program;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Fds;
import org.jinetd.daemon.os.Libc;

/**
 * A program on pipes (bridge and datagram programs): spawned natively where it can be, with
 * a session of its own from posix_spawn itself, else started by the JDK behind {@code setsid}.
 */
public sealed interface Piped {
    long pid();

    /** The program's stdin: closing it is the program's EOF. */
    OutputStream stdin();

    /** The program's stdout. */
    InputStream stdout();

    /**
     * Ends it (once): SIGTERM now, SIGKILL after {@code grace} to what is left; completes once
     * SIGTERM is sent.
     */
    CompletableFuture<Boolean> end(java.time.Duration grace);

    /**
     * Waits until the program has ended, and says how; its stderr has been logged by then.
     * A {@link SpawnFailure} where its spawner ended first, with it.
     */
    Exit await() throws InterruptedException;

    /**
     * Starts {@code exec}: natively (here or by its user's spawner) where there are
     * {@code programs} to start it, else (null) through the JDK. Returns once it runs.
     */
    static Piped start(Launch.Exec exec, java.util.Map<String, String> environment, Setup setup, Programs programs,
                       ConnectionLog log, String service) throws IOException, Libc.Failure {
        if (programs == null) {
            return Jdk.start(exec, environment, setup, log, service);
        }
        return Native.spawn(exec, environment, programs, service);
    }

    /** Spawned by posix_spawn, here or by the spawner of its user. */
    record Native(Program program, OutputStream stdin, InputStream stdout) implements Piped {
        static Native spawn(Launch.Exec exec, java.util.Map<String, String> environment, Programs programs,
                            String service) throws IOException, Libc.Failure {
            Pipe in = null;
            Pipe out = null;
            try {
                in = Pipe.open();
                out = Pipe.open();
                int stdout = Fds.of(out.sink());
                int stderr = switch (exec.stderr()) {
                    case SOCKET -> stdout;
                    case NULL -> -1;
                    case LOG -> Programs.STDERR_PIPE;
                };
                var started = programs.start(service, programs.route(exec), environment,
                        new int[] {Fds.of(in.source()), stdout, stderr}, -1);
                Program program;
                try {
                    program = started.join();
                } finally {
                    // The child has its copies (or there is no child); ours would keep each pipe from reaching its end.
                    in.source().close();
                    out.sink().close();
                }
                return new Native(program, Channels.newOutputStream(in.sink()), Channels.newInputStream(out.source()));
            } catch (IOException | Libc.Failure | RuntimeException e) {
                closeAll(in, out);
                if (SpawnFailure.unwrapped(e) instanceof SpawnFailure failure) {
                    throw failure;
                }
                throw e;
            }
        }

        private static void closeAll(Pipe in, Pipe out) {
            for (var pipe : new Pipe[] {in, out}) {
                if (pipe == null) {
                    continue;
                }
                try (var source = pipe.source(); var sink = pipe.sink()) {
                    // Closed by the try, whatever failed to start.
                } catch (IOException e) {
                    // Closing what failed to start: nothing more to do.
                }
            }
        }

        @Override
        public long pid() {
            return program.pid();
        }

        @Override
        public CompletableFuture<Boolean> end(java.time.Duration grace) {
            return program.end().begin(grace);
        }

        @Override
        public Exit await() throws InterruptedException {
            try {
                return program.exit().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new SpawnFailure(SpawnFailure.unwrapped(e).getMessage(), 0);
            }
        }
    }

    /** Started by the JDK's ProcessBuilder, where native spawn is not available. */
    record Jdk(Process process, Thread stderrLines) implements Piped {
        static Jdk start(Launch.Exec exec, java.util.Map<String, String> environment, Setup setup, ConnectionLog log,
                         String service) throws IOException {
            // The JDK cannot give a child a session of its own: setsid does, first of the wrappers.
            var command = Command.of(exec, environment, setup, true);
            var builder = new ProcessBuilder(command.argv()).directory(new java.io.File(command.cwd()));
            builder.environment().clear();
            builder.environment().putAll(command.env());
            switch (exec.stderr()) {
                case LOG -> builder.redirectError(ProcessBuilder.Redirect.PIPE);
                case SOCKET -> builder.redirectErrorStream(true);
                case NULL -> builder.redirectError(ProcessBuilder.Redirect.DISCARD);
            }
            var process = builder.start();
            var lines = exec.stderr() == Launch.Stderr.LOG
                    ? StderrLines.follow(log, service, process.pid(), process.getErrorStream()) : null;
            return new Jdk(process, lines);
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public OutputStream stdin() {
            return process.getOutputStream();
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public CompletableFuture<Boolean> end(java.time.Duration grace) {
            // The JDK signals a child only while it has not reaped it.
            process.destroy();
            process.onExit().completeOnTimeout(null, grace.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
                    .thenRun(process::destroyForcibly);
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public Exit await() throws InterruptedException {
            int status = process.waitFor();
            if (stderrLines != null) {
                stderrLines.join();
            }
            int pid = (int) process.pid();
            // The JDK reports death by signal N as status 128+N.
            if (status > 128 && status < 128 + 65) {
                return new Exit(pid, OptionalInt.empty(), OptionalInt.of(status - 128));
            }
            return new Exit(pid, OptionalInt.of(status), OptionalInt.empty());
        }
    }
}
