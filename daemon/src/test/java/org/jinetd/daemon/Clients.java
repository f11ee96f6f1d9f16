package org.jinetd.daemon;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Plain socket clients for tests, each with a 10 s deadline on every read. */
public final class Clients {
    public static final int DEADLINE_MS = 10_000;

    private Clients() {}

    /**
     * The local ports the last clients of this JVM had, newest last: a test's daemon logs each
     * client by its port. Far fewer than the kernel's ephemeral range, so a fresh one is near.
     */
    private static final java.util.SequencedSet<Integer> USED = new java.util.LinkedHashSet<>();

    private static final int REMEMBERED = 8192;

    private static boolean firstUse(int port) {
        synchronized (USED) {
            if (!USED.add(port)) {
                return false;
            }
            if (USED.size() > REMEMBERED) {
                USED.removeFirst();
            }
            return true;
        }
    }

    /**
     * A socket bound to {@code source} on a port no client of this JVM had before, so that a
     * log line found by {@code peer=127.0.0.1:PORT} is this client's and not an earlier one's
     * that the kernel gave the same port. The port is an even one of the kernel's ephemeral
     * range, as connect() itself would take: bind() to port 0 takes the odd ones, and those
     * are what {@link TestDaemon#freePort()} and the daemon's own port 0 get, which a client
     * must not hold when a listener is bound to them.
     */
    private static Socket fresh(InetAddress source) throws IOException {
        int[] range = EPHEMERAL;
        var random = java.util.concurrent.ThreadLocalRandom.current();
        for (int tries = 0; tries < 1000; tries++) {
            int port = (random.nextInt(range[0], range[1] + 1)) & ~1;
            if (port < range[0] || !firstUse(port)) {
                continue;
            }
            var socket = new Socket();
            try {
                socket.bind(new InetSocketAddress(source, port));
                return socket;
            } catch (java.net.BindException e) {
                // Held by another socket (one in TIME_WAIT among them): another port.
                socket.close();
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
        throw new IOException("no port of the ephemeral range left that no recent client had");
    }

    /** The kernel's ephemeral range (ip_local_port_range), or Linux's default where it cannot be read. */
    private static final int[] EPHEMERAL = ephemeral();

    private static int[] ephemeral() {
        try {
            var fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim().split("\\s+");
            return new int[] {Integer.parseInt(fields[0]), Integer.parseInt(fields[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32768, 60999};
        }
    }

    /** The address a client of {@code address} speaks from, as the kernel chooses it on loopback. */
    private static InetAddress sourceFor(InetAddress address) throws IOException {
        return address instanceof java.net.Inet6Address ? InetAddress.getByName("::1") : InetAddress.getByName("127.0.0.1");
    }

    public static Socket connect(InetAddress address, int port) throws IOException {
        return connect(sourceFor(address), address, port);
    }

    /** A client of {@code address} from {@code source}, on a port no recent client had. */
    public static Socket connect(InetAddress source, InetAddress address, int port) throws IOException {
        var socket = fresh(source);
        try {
            socket.connect(new InetSocketAddress(address, port), DEADLINE_MS);
            socket.setSoTimeout(DEADLINE_MS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public static Socket connect(int port) throws IOException {
        return connect(InetAddress.getLoopbackAddress(), port);
    }

    /** Sends {@code request}, half-closes, and reads the answer to its end. */
    public static String exchange(InetAddress address, int port, String request) throws IOException {
        try (var socket = connect(address, port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** As {@link #exchange(int, String)}, from another loopback address ({@code 127.0.0.2}, ...). */
    public static String exchangeFrom(InetAddress source, int port, String request) throws IOException {
        try (var socket = connect(source, InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static String exchange(int port, String request) throws IOException {
        return exchange(InetAddress.getLoopbackAddress(), port, request);
    }

    /** As {@link #exchange(int, String)}, over a unix socket. A refused client may see a reset: that is "". */
    public static String exchange(java.nio.file.Path path, String request) throws IOException {
        try (var channel = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.connect(java.net.UnixDomainSocketAddress.of(path));
            channel.write(java.nio.ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            channel.shutdownOutput();
            return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // A refused client may see a reset or a broken pipe instead of EOF.
            return "";
        }
    }

    /** A client's request, for {@link #untilAnswered}. */
    public interface Call {
        String call() throws IOException;
    }

    /**
     * Calls until there is an answer (a refused client reads nothing, or fails) or 30 s have
     * passed: for a daemon that recovers at its own pace.
     */
    public static String untilAnswered(Call call) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                var answer = call.call();
                if (!answer.isEmpty() || System.nanoTime() > deadline) {
                    return answer;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(50); // a client's retry interval, not a synchronisation
        }
    }

    /** One datagram out, one back. */
    public static byte[] datagram(InetAddress address, int port, byte[] request) throws IOException {
        try (var socket = new DatagramSocket()) {
            socket.setSoTimeout(DEADLINE_MS);
            socket.send(new DatagramPacket(request, request.length, address, port));
            var buffer = new byte[65_536];
            var packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            return java.util.Arrays.copyOf(buffer, packet.getLength());
        }
    }
}
