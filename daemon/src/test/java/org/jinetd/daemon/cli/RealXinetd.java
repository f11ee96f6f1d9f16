package org.jinetd.daemon.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * xinetd 2.3.15 itself, serving a file in the foreground ({@code -dontfork}), so that a test
 * can ask it whether it serves a client, and ask the imported table the same.
 */
final class RealXinetd implements AutoCloseable {
    static final Path PROGRAM = Path.of("/usr/sbin/xinetd");
    private static final Duration START = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;

    private RealXinetd(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Skips the calling test, saying why, where xinetd is not installed. */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(PROGRAM),
                PROGRAM + " is not installed: the import tests compare with it (.ci/run installs xinetd)");
    }

    /** Starts xinetd on {@code conf} and waits until it says it serves {@code services} services. */
    static RealXinetd start(Path conf, int services) throws IOException, InterruptedException {
        var dir = conf.getParent();
        var log = dir.resolve("xinetd.log");
        var process = new ProcessBuilder(PROGRAM.toString(), "-dontfork", "-f", conf.toString(),
                "-pidfile", dir.resolve("xinetd.pid").toString(), "-filelog", log.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("xinetd.out").toFile()).start();
        var xinetd = new RealXinetd(process, log);
        var deadline = Instant.now().plus(START);
        var ready = "Started working: " + services + " available service";
        while (!xinetd.log().contains(ready)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline) || xinetd.log().contains("Started working")) {
                xinetd.close();
                throw new IllegalStateException("xinetd did not start serving " + services + " services:\n"
                        + xinetd.log() + Files.readString(dir.resolve("xinetd.out")));
            }
            // Polls the log xinetd writes: it has no other way to say it is listening.
            process.waitFor(20, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return xinetd;
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /**
     * Whether the echo service at {@code server}:{@code port} answers a client from
     * {@code client}: served when the line comes back; refused when the connection is
     * refused, reset or closed first.
     */
    static boolean serves(InetAddress server, int port, InetAddress client) throws IOException {
        try (var socket = new Socket()) {
            socket.bind(new InetSocketAddress(client, 0));
            socket.setSoTimeout(5_000);
            try {
                socket.connect(new InetSocketAddress(server, port), 5_000);
            } catch (java.net.ConnectException e) {
                return false;
            }
            var line = "parity\n".getBytes(StandardCharsets.US_ASCII);
            try {
                socket.getOutputStream().write(line);
                var got = socket.getInputStream().readNBytes(line.length);
                return Arrays.equals(got, line);
            } catch (SocketTimeoutException e) {
                throw new IllegalStateException("echo on port " + port + " neither answered nor closed " + client, e);
            } catch (IOException e) {
                return false;
            }
        }
    }

    /**
     * Everything a client from {@code client} reads from the echo service at {@code port}
     * after sending {@code line} and closing its side, until the server closes (or resets).
     */
    static String transcript(InetAddress server, int port, InetAddress client, String line) throws IOException {
        try (var socket = new Socket()) {
            socket.bind(new InetSocketAddress(client, 0));
            socket.setSoTimeout(5_000);
            socket.connect(new InetSocketAddress(server, port), 5_000);
            var got = new java.io.ByteArrayOutputStream();
            try {
                socket.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
                socket.shutdownOutput();
                var in = socket.getInputStream();
                var buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    got.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new IllegalStateException("echo on port " + port + " never closed " + client, e);
            } catch (IOException e) {
                // A refused client is reset after its banner: what it read before is the transcript.
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    /** Ports free on {@code address} now, for the services of a generated file. */
    static List<Integer> freePorts(InetAddress address, int count) throws IOException {
        var sockets = new ArrayList<ServerSocket>();
        try {
            for (int i = 0; i < count; i++) {
                var socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress(address, 0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (var socket : sockets) {
                socket.close();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
