package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built launcher, {@code target/jinetd/bin/jinetd}, run as a real process; its output kept. */
public final class Launched implements AutoCloseable {
    public static final Path LAUNCHER = Path.of("target", "jinetd", "bin", "jinetd").toAbsolutePath();

    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread outCopy;
    private final Thread errCopy;

    private Launched(Process process) {
        this.process = process;
        this.outCopy = Thread.ofVirtual().start(() -> copy(process.getInputStream(), out));
        this.errCopy = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
    }

    /** Starts the launcher with {@code args}; {@code env} changes its environment (a null value removes). */
    public static Launched start(Map<String, String> env, String... args) throws IOException {
        return under(List.of(), env, args);
    }

    /** Starts the launcher behind {@code prefix} (such as {@code prlimit --nofile=64:64}). */
    public static Launched under(List<String> prefix, Map<String, String> env, String... args) throws IOException {
        return run(LAUNCHER, prefix, env, args);
    }

    /** Starts {@code launcher}, a copy of the built one or a link to it, with {@code args}. */
    public static Launched start(Path launcher, Map<String, String> env, String... args) throws IOException {
        return run(launcher, List.of(), env, args);
    }

    private static Launched run(Path launcher, List<String> prefix, Map<String, String> env, String... args)
            throws IOException {
        var command = new java.util.ArrayList<>(prefix);
        command.add(launcher.toString());
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        return new Launched(builder.start());
    }

    public static Launched start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** How a command of the launcher ended: its exit status, stdout and stderr. */
    public record Ended(int code, String out, String err) {}

    /** Runs a command of the launcher to its end. */
    public static Ended run(String... args) throws IOException, InterruptedException {
        try (var command = start(args)) {
            int code = command.exit();
            return new Ended(code, command.out(), command.err());
        }
    }

    private void copy(InputStream in, StringBuffer into) {
        var bytes = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(bytes)) >= 0) {
                synchronized (into) {
                    into.append(new String(bytes, 0, n, StandardCharsets.UTF_8));
                    into.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits up to 20 s for stderr to contain {@code text}. */
    public void awaitErr(String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        synchronized (err) {
            while (err.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("stderr never said '" + text + "':\n" + err);
                }
                err.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Waits up to 60 s for the exit status. */
    public int exit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("did not exit within 60 s; stderr:\n" + err);
        }
        // Everything it wrote is read before anyone looks.
        outCopy.join(10_000);
        errCopy.join(10_000);
        return process.exitValue();
    }

    /** Whether it is still running now. */
    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    public String out() {
        return out.toString();
    }

    public String err() {
        return err.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
