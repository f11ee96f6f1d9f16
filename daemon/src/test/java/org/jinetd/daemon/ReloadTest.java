package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.log.ConnectionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A reload keeps every socket that stays: no connection to a service in both tables fails or is cut. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReloadTest {
    @TempDir
    Path dir;

    private Path table(String yaml) throws IOException {
        var file = dir.resolve("services.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void aHundredReloadsUnderLoadDropNoConnection() throws Exception {
        int echo = TestDaemon.freePort();
        int daytime = TestDaemon.freePort();
        int extra = TestDaemon.freePort();
        int held = TestDaemon.freePort();
        var base = """
                defaults: {bind: 127.0.0.1, instances: unlimited}
                services:
                  echo: {port: %d, handler: echo%s}
                  daytime: {port: %d, handler: daytime}
                """.formatted(echo, "%s", daytime);
        var variants = List.of(
                base.formatted(""),
                base.formatted(", timeout_idle: 30s") + "  extra: {port: %d, handler: echo}\n".formatted(extra),
                base.formatted(", rate: {per_second: 100000, burst: 1000}"),
                base.formatted("") + "  held: {port: %d, exec: [/bin/sh, -c, 'read -r x; echo \"done $x\"']}\n"
                        .formatted(held),
                "services: {echo: {port: [not a port]}}\n",
                base.formatted(", instances: 5000") + "  extra: {port: %d, handler: daytime}\n".formatted(extra));
        var file = table(variants.get(3));
        var loaded = assertInstanceOf(Loaded.Ok.class, Config.load(file));
        var log = new ConcurrentLinkedQueue<String>();
        try (var daemon = Daemon.start(loaded.table(), new ConnectionLog(log::add))) {
            // A connection to a service that the next reload removes runs to its end.
            try (var longLived = Clients.connect(held)) {
                assertTrue(TestDaemon.awaitLive(daemon, 1, Duration.ofSeconds(10)));
                var running = new AtomicBoolean(true);
                var exchanges = new AtomicInteger();
                var failures = new ConcurrentLinkedQueue<String>();
                var clients = new ArrayList<Thread>();
                for (int t = 0; t < 4; t++) {
                    clients.add(Thread.ofVirtual().start(() -> {
                        for (int i = 0; running.get(); i++) {
                            try {
                                var word = "w" + i;
                                var answer = Clients.exchange(echo, word);
                                if (!answer.equals(word)) {
                                    failures.add("echo answered '" + answer + "'");
                                }
                                if (!Clients.exchange(daytime, "").endsWith("\r\n")) {
                                    failures.add("daytime cut");
                                }
                                exchanges.incrementAndGet();
                            } catch (IOException e) {
                                failures.add(e.toString());
                            }
                        }
                    }));
                }
                int bad = 0;
                try {
                    for (int round = 0; round < 100; round++) {
                        Files.writeString(file, variants.get(round % variants.size()));
                        switch (Config.load(file)) {
                            case Loaded.Bad _ -> bad++;
                            case Loaded.Ok(var next) -> {
                                var reloaded = daemon.reload(next);
                                assertEquals(List.of(), reloaded.failed());
                                assertTrue(reloaded.kept().containsAll(List.of("echo", "daytime")), reloaded.toString());
                            }
                        }
                    }
                } finally {
                    // Whatever failed, no client goes on into the next test.
                    running.set(false);
                    for (var client : clients) {
                        client.join();
                    }
                }
                assertEquals(List.of(), List.copyOf(failures), "connections that failed during the reloads");
                assertTrue(exchanges.get() > 0);
                assertTrue(bad > 0, "some tables were bad");
                longLived.getOutputStream().write("late\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("done late\n", new String(longLived.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aNewServiceThatCannotBindIsReportedAndTheRestApplies() throws Exception {
        int echo = TestDaemon.freePort();
        int fresh = TestDaemon.freePort();
        try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            var file = table("services: {echo: {bind: 127.0.0.1, port: %d, handler: echo}}".formatted(echo));
            var first = assertInstanceOf(Loaded.Ok.class, Config.load(file)).table();
            try (var daemon = Daemon.start(first, new ConnectionLog())) {
                Files.writeString(file, """
                        services:
                          echo: {bind: 127.0.0.1, port: %d, handler: echo}
                          blocked: {bind: 127.0.0.1, port: %d, handler: echo}
                          fresh: {bind: 127.0.0.1, port: %d, handler: daytime}
                        """.formatted(echo, taken.getLocalPort(), fresh));
                var next = assertInstanceOf(Loaded.Ok.class, Config.load(file)).table();
                var reloaded = daemon.reload(next);
                assertEquals(List.of("echo"), reloaded.kept());
                assertEquals(List.of("fresh"), reloaded.added());
                // Named at its place in the table: the line to change.
                assertEquals(List.of("%s:3:3: blocked/tcp: bind 127.0.0.1:%d: address already in use"
                        .formatted(file, taken.getLocalPort())), reloaded.failed());
                assertTrue(Clients.exchange(fresh, "").endsWith("\r\n"));
                assertEquals("still", Clients.exchange(echo, "still"));
            }
        }
    }

    @Test
    void theTableIsChangedWhenAnIncludedFileIsWrittenOrOneIsAddedToItsDirectory() throws Exception {
        var confd = Files.createDirectories(dir.resolve("conf.d"));
        var included = confd.resolve("one.yaml");
        Files.writeString(included, "services: {one: {bind: 127.0.0.1, port: %d, handler: echo}}\n"
                .formatted(TestDaemon.freePort()));
        var file = table("include: [conf.d/*.yaml]\nservices: {}\n");
        try (var daemon = Daemon.start(assertInstanceOf(Loaded.Ok.class, Config.load(file)).table(), new ConnectionLog())) {
            assertTrue(!daemon.tableChanged(), "just applied");
            Files.writeString(included, Files.readString(included).replace("handler: echo", "handler: daytime"));
            assertTrue(daemon.tableChanged(), "an included file written");
            daemon.reload(assertInstanceOf(Loaded.Ok.class, Config.load(file)).table());
            assertTrue(!daemon.tableChanged(), "applied again");
            Files.writeString(confd.resolve("two.yaml"), "services: {}\n");
            assertTrue(daemon.tableChanged(), "a file added where the include looks");
            daemon.reload(assertInstanceOf(Loaded.Ok.class, Config.load(file)).table());
            assertTrue(!daemon.tableChanged(), "applied again");
            Files.delete(confd.resolve("two.yaml"));
            assertTrue(daemon.tableChanged(), "a file taken away");
        }
    }

    @Test
    void aRemovedServiceStopsListening() throws Exception {
        int gone = TestDaemon.freePort();
        int stays = TestDaemon.freePort();
        var file = table("""
                services:
                  gone: {bind: 127.0.0.1, port: %d, handler: echo}
                  stays: {bind: 127.0.0.1, port: %d, handler: echo}
                """.formatted(gone, stays));
        var first = assertInstanceOf(Loaded.Ok.class, Config.load(file)).table();
        try (var daemon = Daemon.start(first, new ConnectionLog())) {
            Files.writeString(file, "services: {stays: {bind: 127.0.0.1, port: %d, handler: echo}}".formatted(stays));
            var reloaded = daemon.reload(assertInstanceOf(Loaded.Ok.class, Config.load(file)).table());
            assertEquals(List.of("gone"), reloaded.removed());
            org.junit.jupiter.api.Assertions.assertThrows(ConnectException.class, () -> Clients.exchange(gone, "x"));
            assertEquals("x", Clients.exchange(stays, "x"));
        }
    }
}
