package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * haproxy in front of the daemon and behind it. In front, it relays the test's clients (from
 * 127.0.0.1, .2, .4) to services with {@code proxy:}, from 127.0.0.3 as their balancer, with
 * its {@code send-proxy} (v1) and {@code send-proxy-v2}: every part of the daemon sees the
 * client haproxy saw. Behind, it reads the header a {@code redirect: {proxy: 1 | 2}} sends
 * ({@code accept-proxy}) and logs the client it names.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProxyTest {
    /** haproxy's source towards the daemon: the balancer of the tables here. */
    private static final String BALANCER = "127.0.0.3";

    @TempDir
    Path dir;

    @BeforeEach
    void haproxyIsThere() {
        Haproxy.assumeInstalled();
    }

    private static final String DEFAULTS = """
            global
              maxconn 256
            defaults
              mode tcp
              timeout connect 30s
              timeout client 60s
              timeout server 60s
              timeout check 30s
            """;

    /**
     * haproxy in front of each of {@code ports}: for port i, frontend 2i sends a v1 line
     * ({@code send-proxy}), frontend 2i+1 a v2 header with a unique id {@code id-CLIENT-PORT}
     * ({@code send-proxy-v2}); both from {@link #BALANCER}.
     */
    private Haproxy inFront(int... ports) throws Exception {
        return Haproxy.start(dir, 2 * ports.length, listen -> {
            var config = new StringBuilder(DEFAULTS);
            for (int i = 0; i < ports.length; i++) {
                config.append("""
                        frontend v1-%1$d
                          bind 127.0.0.1:%2$d
                          default_backend v1-%1$d
                        backend v1-%1$d
                          server s 127.0.0.1:%4$d send-proxy source %5$s
                        frontend v2-%1$d
                          bind 127.0.0.1:%3$d
                          unique-id-format id-%%ci-%%cp
                          default_backend v2-%1$d
                        backend v2-%1$d
                          server s 127.0.0.1:%4$d send-proxy-v2 proxy-v2-options unique-id source %5$s
                        """.formatted(i, listen.get(2 * i), listen.get(2 * i + 1), ports[i], BALANCER));
            }
            return config.toString();
        });
    }

    /** A client of {@code port} (on 127.0.0.1) from {@code source}, with the tests' deadline on reads. */
    static Socket from(String source, int port) throws IOException {
        return Clients.connect(InetAddress.getByName(source), InetAddress.getLoopbackAddress(), port);
    }

    /** Sends {@code text} and half-closes; returns all that comes back. */
    static String exchange(Socket client, String text) throws IOException {
        client.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput();
        return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** {@code 127.0.0.2:4711}: the client as the daemon should name it. */
    static String me(Socket client) {
        return client.getLocalAddress().getHostAddress() + ":" + client.getLocalPort();
    }

    @Test
    void aHandlerAndTheLogSeeTheClientHaproxySawAndHaproxyAsVia() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  stream: {bind: 127.0.0.1, handler: peer-report, proxy: {from: [%1$s]}}
                  reply: {bind: 127.0.0.1, handler: peer-report, options: {declared: reply}, proxy: {from: [%1$s]}}
                """.formatted(BALANCER));
             var haproxy = inFront(d.port("stream"), d.port("reply"))) {
            for (int frontend = 0; frontend < 4; frontend++) {
                var service = frontend < 2 ? "stream" : "reply";
                try (var client = from("127.0.0.2", haproxy.port(frontend))) {
                    var answer = exchange(client, "ping\n");
                    var echoed = service.equals("stream") ? "ping\n" : "";
                    var matcher = Pattern.compile("peer=" + Pattern.quote(me(client))
                            + " via=(127\\.0\\.0\\.3:\\d+)\n" + echoed).matcher(answer);
                    assertTrue(matcher.matches(), service + " through frontend " + frontend + ": " + answer);
                    var line = d.awaitLog("peer=" + me(client));
                    assertTrue(line.matches("service=" + service + " peer=" + Pattern.quote(me(client)) + " via="
                            + Pattern.quote(matcher.group(1)) + " duration=\\d+\\.\\d{3}s"), line);
                }
            }
        }
    }

    @Test
    void aProgramOnTheSocketOrOnPipesGetsTheClientInItsEnvironmentAndReadsWhatFollowsTheHeader() throws Exception {
        var program = "[/bin/sh, -c, 'echo \"$TCPREMOTEIP $TCPREMOTEPORT $PROXY_PEER_IP ${PROXY_UNIQUE_ID-none}\"; exec cat']";
        try (var d = TestDaemon.start("""
                services:
                  inherit: {bind: 127.0.0.1, user: root, exec: %1$s, proxy: {from: [%2$s]}}
                  bridge: {bind: 127.0.0.1, user: root, io: bridge, exec: %1$s, proxy: {from: [%2$s]}}
                """.formatted(program, BALANCER));
             var haproxy = inFront(d.port("inherit"), d.port("bridge"))) {
            for (int frontend = 0; frontend < 4; frontend++) {
                var service = frontend < 2 ? "inherit" : "bridge";
                try (var client = from("127.0.0.2", haproxy.port(frontend))) {
                    var id = frontend % 2 == 0 ? "none" : "id-127.0.0.2-" + client.getLocalPort();
                    // The data goes at once, behind the header haproxy sends first.
                    assertEquals("127.0.0.2 " + client.getLocalPort() + " " + BALANCER + " " + id + "\ndata right behind\n",
                            exchange(client, "data right behind\n"), service + " through frontend " + frontend);
                    var line = d.awaitLog("peer=" + me(client));
                    assertTrue(line.matches("service=" + service + " peer=" + Pattern.quote(me(client))
                            + " via=127\\.0\\.0\\.3:\\d+ pid=\\d+ exit=0 duration=\\S+"), line);
                }
            }
        }
    }

    @Test
    void onlyFromAndNoAccessJudgeTheClientNotTheBalancer() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  only: {bind: 127.0.0.1, handler: echo, only_from: [127.0.0.2/32], proxy: {from: [%1$s]}}
                  none: {bind: 127.0.0.1, handler: echo, no_access: [127.0.0.1], proxy: {from: [%1$s]}}
                """.formatted(BALANCER));
             var haproxy = inFront(d.port("only"), d.port("none"))) {
            for (int frontend = 0; frontend < 4; frontend++) {
                var service = frontend < 2 ? "only" : "none";
                // The balancer, 127.0.0.3, is in neither list: it is not the one judged.
                try (var client = from("127.0.0.2", haproxy.port(frontend))) {
                    assertEquals("served\n", exchange(client, "served\n"), service + " through frontend " + frontend);
                }
                try (var client = from("127.0.0.1", haproxy.port(frontend))) {
                    assertEquals("", exchange(client, "refused\n"), service + " through frontend " + frontend);
                    var reason = service.equals("only") ? "only_from" : "no_access";
                    var line = d.awaitLog("peer=" + me(client));
                    assertTrue(line.matches("service=" + service + " peer=" + Pattern.quote(me(client))
                            + " via=127\\.0\\.0\\.3:\\d+ refused=" + reason), line);
                }
            }
        }
    }

    @Test
    void perSourceCountsEachClientNotTheBalancer() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  echo: {bind: 127.0.0.1, handler: echo, per_source: 1, proxy: {from: [%s]}}
                """.formatted(BALANCER));
             var haproxy = inFront(d.port("echo"))) {
            for (int frontend = 0; frontend < 2; frontend++) {
                try (var held = from("127.0.0.2", haproxy.port(frontend))) {
                    held.getOutputStream().write("held\n".getBytes(StandardCharsets.US_ASCII));
                    // Its line back: it is served, and holds its source's one place.
                    assertEquals("held\n", new String(held.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                    try (var second = from("127.0.0.2", haproxy.port(frontend))) {
                        assertEquals("", exchange(second, "second\n"));
                        var line = d.awaitLog("peer=" + me(second));
                        assertTrue(line.matches("service=echo peer=" + Pattern.quote(me(second))
                                + " via=127\\.0\\.0\\.3:\\d+ refused=per_source"), line);
                    }
                    try (var other = from("127.0.0.4", haproxy.port(frontend))) {
                        assertEquals("other\n", exchange(other, "other\n"));
                    }
                }
                assertTrue(d.awaitIdle(java.time.Duration.ofSeconds(30)));
            }
        }
    }

    @Test
    void haproxysHealthCheckIsServedAsTheBalancerItselfWithoutVia() throws Exception {
        try (var d = TestDaemon.start("""
                services:
                  who: {bind: 127.0.0.1, handler: peer-report, proxy: {from: [%s]}}
                """.formatted(BALANCER));
             var haproxy = Haproxy.start(dir, 1, listen -> DEFAULTS + """
                     frontend in
                       bind 127.0.0.1:%d
                       default_backend checked
                     backend checked
                       server s 127.0.0.1:%d send-proxy-v2 source %s check check-send-proxy inter 1s
                     """.formatted(listen.get(0), d.port("who"), BALANCER))) {
            var line = d.awaitLog("service=who ");
            assertTrue(line.matches("service=who peer=127\\.0\\.0\\.3:\\d+ (reason=(reset|closed) )?duration=\\S+"),
                    line);
        }
    }

    /** A server behind haproxy: it answers each connection with what it read, to the end. */
    private static final class Backend implements AutoCloseable {
        private final ServerSocket server;

        Backend() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        var socket = server.accept();
                        Thread.ofVirtual().start(() -> {
                            try (socket) {
                                socket.getOutputStream().write(socket.getInputStream().readAllBytes());
                            } catch (IOException e) {
                                // That client went away.
                            }
                        });
                    } catch (IOException e) {
                        // Closed at the test's end.
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** haproxy's frontends that take a header ({@code accept-proxy}) and log the client it names, then the unique id. */
    private static String receiving(List<Integer> listen, int backend, String... frontends) {
        var config = new StringBuilder(DEFAULTS);
        for (int i = 0; i < frontends.length; i++) {
            config.append("""
                    frontend %1$s
                      bind 127.0.0.1:%2$d accept-proxy
                      log stdout format raw local0
                      log-format "%1$s client=%%ci:%%cp id=%%[fc_pp_unique_id]"
                      default_backend back
                    """.formatted(frontends[i], listen.get(i)));
        }
        return config.append("""
                backend back
                  server s 127.0.0.1:%d
                """.formatted(backend)).toString();
    }

    @Test
    void haproxyReadsTheClientFromTheHeaderARedirectSends() throws Exception {
        try (var backend = new Backend();
             var haproxy = Haproxy.start(dir, 2, listen -> receiving(listen, backend.port(), "v1", "v2"));
             var d = TestDaemon.start("""
                     services:
                       v1: {bind: 127.0.0.1, redirect: {to: "127.0.0.1:%d", proxy: 1}}
                       v2: {bind: 127.0.0.1, redirect: {to: "127.0.0.1:%d", proxy: 2}}
                     """.formatted(haproxy.port(0), haproxy.port(1)))) {
            for (var service : List.of("v1", "v2")) {
                try (var client = from("127.0.0.2", d.port(service))) {
                    assertEquals("through haproxy\n", exchange(client, "through haproxy\n"), service);
                    var logged = haproxy.awaitLogged(l -> l.startsWith(service + " client=" + me(client) + " "));
                    // v2 carries an id of the daemon's own for the connection: 16 random bytes as hex.
                    assertTrue(logged.matches(service + " client=" + Pattern.quote(me(client))
                            + (service.equals("v1") ? " id=-" : " id=[0-9a-f]{32}")), logged);
                    assertTrue(d.awaitLog("peer=" + me(client)).matches("service=" + service + " peer="
                            + Pattern.quote(me(client)) + " duration=\\S+"));
                }
            }
        }
    }

    @Test
    void aClientAndItsUniqueIdPassThroughTheDaemonFromOneHaproxyToAnother() throws Exception {
        int relay = TestDaemon.freePort();
        try (var backend = new Backend();
             var haproxy = Haproxy.start(dir, 2, listen -> receiving(List.of(listen.get(1)), backend.port(), "inner")
                     + """
                     frontend edge
                       bind 127.0.0.1:%d
                       unique-id-format id-%%ci-%%cp
                       default_backend relay
                     backend relay
                       server s 127.0.0.1:%d send-proxy-v2 proxy-v2-options unique-id source %s
                     """.formatted(listen.get(0), relay, BALANCER));
             var d = TestDaemon.start("""
                     services:
                       relay: {bind: 127.0.0.1, port: %d, proxy: {from: [%s]}, redirect: {to: "127.0.0.1:%d", proxy: 2}}
                     """.formatted(relay, BALANCER, haproxy.port(1)))) {
            try (var client = from("127.0.0.2", haproxy.port(0))) {
                assertEquals("twice through haproxy\n", exchange(client, "twice through haproxy\n"));
                assertEquals("inner client=" + me(client) + " id=id-" + me(client).replace(':', '-'),
                        haproxy.awaitLogged(l -> l.startsWith("inner client=" + me(client) + " ")));
                assertTrue(d.awaitLog("peer=" + me(client)).matches("service=relay peer=" + Pattern.quote(me(client))
                        + " via=127\\.0\\.0\\.3:\\d+ duration=\\S+"));
            }
        }
    }
}
