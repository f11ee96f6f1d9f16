package org.jinetd.daemon.launch;

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
sealed interface Piped {
    long pid();

    /** The program's stdin: closing it is the program's EOF. */
    OutputStream stdin();

    /** The program's stdout. */
    InputStream stdout();

    /** SIGTERM, or SIGKILL when {@code force}. */
    void signal(boolean force);

    /** Waits until the program has ended, and says how; its stderr has been logged by then. */
    Children.Exit await() throws InterruptedException;

    /**
     * Starts {@code exec}: natively where there are {@code children} to watch it, else
     * (null) through the JDK.
     */
    static Piped start(Launch.Exec exec, java.util.Map<String, String> environment, Setup setup, Children children,
                       ConnectionLog log, String service) throws IOException, Libc.Failure {
        if (children == null) {
            return Jdk.start(exec, environment, setup, log, service);
        }
        return Native.spawn(exec, environment, setup, children, log, service);
    }

    /** Spawned by posix_spawn, reaped by {@link Children}. */
    record Native(int id, OutputStream stdin, InputStream stdout, Children children,
                  CompletableFuture<Children.Exit> exit) implements Piped {
        static Native spawn(Launch.Exec exec, java.util.Map<String, String> environment, Setup setup,
                            Children children, ConnectionLog log, String service) throws IOException, Libc.Failure {
            var command = Command.of(exec, environment, setup, false);
            Pipe in = null;
            Pipe out = null;
            int[] stderrPipe = null;
            try {
                in = Pipe.open();
                out = Pipe.open();
                stderrPipe = exec.stderr() == Launch.Stderr.LOG ? Libc.pipe() : null;
                int stdout = Fds.of(out.sink());
                int stderr = switch (exec.stderr()) {
                    case SOCKET -> stdout;
                    case NULL -> -1;
                    case LOG -> stderrPipe[1];
                };
                int pid = NativeSpawn.spawn(command.argv(), command.env(), command.cwd(),
                        new int[] {Fds.of(in.source()), stdout, stderr});
                // The child has its copies; ours would keep each pipe from reaching its end.
                in.source().close();
                out.sink().close();
                if (stderrPipe != null) {
                    Libc.close(stderrPipe[1]);
                }
                // From here the reaper closes the read end, or, if it cannot watch, the catch does.
                int read = stderrPipe == null ? -1 : stderrPipe[0];
                stderrPipe = read < 0 ? null : new int[] {read};
                var exit = children.watch(pid, read, read < 0 ? null : new StderrLines(log, service, pid));
                stderrPipe = null;
                return new Native(pid, Channels.newOutputStream(in.sink()), Channels.newInputStream(out.source()),
                        children, exit);
            } catch (IOException | Libc.Failure | RuntimeException e) {
                closeAll(in, out, stderrPipe);
                throw e;
            }
        }

        private static void closeAll(Pipe in, Pipe out, int[] stderrPipe) {
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
            if (stderrPipe != null) {
                for (int fd : stderrPipe) {
                    try {
                        Libc.close(fd);
                    } catch (Libc.Failure e) {
                        // Closed already.
                    }
                }
            }
        }

        @Override
        public long pid() {
            return id;
        }

        @Override
        public void signal(boolean force) {
            children.signalSession(id, force ? Inherit.SIGKILL : Inherit.SIGTERM);
        }

        @Override
        public Children.Exit await() throws InterruptedException {
            try {
                return exit.get();
            } catch (java.util.concurrent.ExecutionException e) {
                return new Children.Exit(id, OptionalInt.empty(), OptionalInt.empty());
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
        public void signal(boolean force) {
            if (force) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
        }

        @Override
        public Children.Exit await() throws InterruptedException {
            int status = process.waitFor();
            if (stderrLines != null) {
                stderrLines.join();
            }
            int pid = (int) process.pid();
            // The JDK reports death by signal N as status 128+N.
            if (status > 128 && status < 128 + 65) {
                return new Children.Exit(pid, OptionalInt.empty(), OptionalInt.of(status - 128));
            }
            return new Children.Exit(pid, OptionalInt.of(status), OptionalInt.empty());
        }
    }
}
