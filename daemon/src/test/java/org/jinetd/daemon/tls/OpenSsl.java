package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code openssl s_client}, run as a user would run it against the test's server. */
public final class OpenSsl implements AutoCloseable {
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final Thread reader;

    private OpenSsl(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = Thread.ofVirtual().start(() -> {
            var buffer = new byte[4096];
            try (var in = process.getInputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (output) {
                        output.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The process is gone.
            }
        });
    }

    /** s_client to the port on 127.0.0.1, with these arguments. */
    public static OpenSsl client(int port, String... args) throws IOException {
        var command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        command.addAll(Arrays.asList(args));
        return new OpenSsl(command);
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public void send(String text) throws IOException {
        stdin().write(text.getBytes(StandardCharsets.ISO_8859_1));
        stdin().flush();
    }

    /** Waits, at most 60 s, until the output holds {@code text}. */
    public void await(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, "no '" + text + "' from s_client within 60 s:\n" + output);
                output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Its exit status, waited for at most 60 s, and all it printed. */
    public String exit() throws InterruptedException {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "s_client still runs after 60 s:\n" + output());
        reader.join(10_000);
        return output();
    }

    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Sends {@code input}, ends stdin, and returns all s_client printed once it exits. */
    public String talk(String input) throws IOException, InterruptedException {
        send(input);
        stdin().close();
        return exit();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
