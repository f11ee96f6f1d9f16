package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A full descriptor table: the daemon backs off without spinning and serves again by itself. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExhaustionIT {
    @Test
    void withFewDescriptorsItBacksOffQuietlyAndRecovers() throws Exception {
        var control = Files.createTempDirectory("jinetd-control").resolve("control.sock");
        var table = TestDaemon.write("""
                control_socket: %s
                services:
                  echo: {bind: 127.0.0.1, handler: echo, instances: unlimited}
                  daytime: {bind: 127.0.0.1, handler: daytime}
                """.formatted(control));
        int echo = port(table, "echo");
        int daytime = port(table, "daytime");
        try (var jinetd = Launched.under(List.of("prlimit", "--nofile=64:64"), Map.of(), "run", "-c", table.toString())) {
            jinetd.awaitErr("ready:");
            jinetd.awaitErr("control: listening on " + control);
            assertTrue(jinetd.err().contains("max_connections 1024 may need up to 2112 descriptors, and this process "
                    + "may open 64"), jinetd.err());
            var clients = new ArrayList<Socket>();
            var closeables = new ArrayList<AutoCloseable>();
            try {
                for (int i = 0; i < 150; i++) {
                    clients.add(Clients.connect(echo));
                }
                jinetd.awaitErr("echo/tcp: accept: too many open files; backing off until it passes");
                // A client of the control socket waiting too: that accept fails as well, and must not spin.
                var controlClient = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                controlClient.connect(java.net.UnixDomainSocketAddress.of(control));
                closeables.add(controlClient);
                // A measurement, not a synchronisation: a second for the start-up's compiling to
                // settle, then three seconds in which a spinning accept loop would burn a core.
                Thread.sleep(1_000);
                double cpu = cpuSeconds(jinetd.pid());
                Thread.sleep(3_000);
                double used = cpuSeconds(jinetd.pid()) - cpu;
                assertTrue(used < 1.0, "CPU seconds used in 3 s while out of descriptors: " + used);
            } finally {
                for (var client : clients) {
                    if (client != null) {
                        client.close();
                    }
                }
                for (var other : closeables) {
                    other.close();
                }
            }
            assertEquals("hi", Clients.untilAnswered(() -> Clients.exchange(echo, "hi")));
            assertTrue(Clients.untilAnswered(() -> Clients.exchange(daytime, "")).endsWith("\r\n"));
            jinetd.awaitErr("echo/tcp: working again after");
            assertEquals(0, count(jinetd.err(), "Exception"), "nothing failed for good:\n" + jinetd.err());
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
        }
    }



    private static int count(String text, String word) {
        return text.split(word, -1).length - 1;
    }

    private static int port(Path table, String service) throws IOException {
        var lines = Files.readAllLines(table);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(service + ":")) {
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).strip().startsWith("port:")) {
                        return Integer.parseInt(lines.get(j).replaceAll("\\D", ""));
                    }
                }
            }
        }
        throw new IllegalArgumentException(service);
    }

    private static double cpuSeconds(long pid) throws IOException {
        var stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }
}
