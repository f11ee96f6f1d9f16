package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates renewed in place, as certbot renews them, and the daemon reloaded while
 * clients keep coming: no handshake fails, and each one begun after a reload serves what the
 * files held when it was read, the default certificate and an sni name's alike.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TlsReloadTest {
    private static final int RELOADS = 100;
    private static final int CLIENTS = 16;

    @TempDir
    Path dir;

    /** One generation of the files: the default certificate and www.example.org's. */
    private record Generation(TestCertificates.Pair main, TestCertificates.Pair www, X509Certificate mainShown,
                              X509Certificate wwwShown) {}

    private Generation generation(TestCertificates made, String name) throws Exception {
        var main = made.selfSigned(name, "ec", "localhost");
        var www = made.selfSigned(name + "-www", "ec", "www.example.org");
        return new Generation(main, www, TlsClients.certificate(main.certificate()),
                TlsClients.certificate(www.certificate()));
    }

    /** Puts {@code generation}'s files where the table names them, modes kept (the key stays 0600). */
    private void install(Generation generation, Path live) throws Exception {
        for (var pair : List.of(generation.main(), generation.www())) {
            var prefix = pair == generation.main() ? "main" : "www";
            Files.copy(pair.certificate(), live.resolve(prefix + ".pem"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(pair.key(), live.resolve(prefix + ".key"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    @Test
    void aHundredRenewalsUnderSixteenClientsFailNoHandshakeAndEachServesTheFilesOfItsReload() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var made = new TestCertificates(dir);
        var generations = List.of(generation(made, "a"), generation(made, "b"));
        var live = Files.createDirectory(dir.resolve("live"));
        install(generations.getFirst(), live);
        var yaml = """
                services:
                  echo:
                    bind: 127.0.0.1
                    handler: echo
                    tls:
                      certificate: %s
                      key: %s
                      sni: {www.example.org: {certificate: %s, key: %s}}
                """.formatted(live.resolve("main.pem"), live.resolve("main.key"), live.resolve("www.pem"),
                live.resolve("www.key"));
        var trusted = new ArrayList<Path>();
        for (var g : generations) {
            trusted.addAll(List.of(g.main().certificate(), g.www().certificate()));
        }
        var started = new AtomicInteger();
        var published = new AtomicInteger();
        var checked = new AtomicInteger();
        var handshakes = new AtomicInteger();
        var done = new Semaphore(0);
        var failures = new ConcurrentLinkedQueue<String>();
        var running = new AtomicBoolean(true);
        try (var d = TestDaemon.start(yaml)) {
            int port = d.port("echo");
            var clients = new ArrayList<Thread>();
            for (int t = 0; t < CLIENTS; t++) {
                boolean www = t % 2 == 0;
                clients.add(Thread.ofPlatform().name("client " + t).start(() -> {
                    while (running.get()) {
                        int before = published.get();
                        try {
                            // A context of its own each time: a resumed session would show the certificate of its first.
                            var context = TlsClients.trusting(trusted.toArray(Path[]::new));
                            try (var socket = TlsClients.connect(context, port,
                                    www ? TlsClients.sni("www.example.org") : TlsClients.noSni())) {
                                var shown = socket.getSession().getPeerCertificates()[0];
                                socket.getOutputStream().write('z');
                                if (socket.getInputStream().read() != 'z') {
                                    failures.add("no echo");
                                }
                                // No reload began since this handshake did: it shows what the last one read.
                                if (started.get() == before) {
                                    checked.incrementAndGet();
                                    var expected = generations.get(before % 2);
                                    if (!shown.equals(www ? expected.wwwShown() : expected.mainShown())) {
                                        failures.add("reload " + before + " done, yet another certificate was shown"
                                                + (www ? " for www.example.org" : ""));
                                    }
                                    done.release();
                                }
                            }
                            handshakes.incrementAndGet();
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            for (int reload = 1; reload <= RELOADS; reload++) {
                done.drainPermits();
                started.set(reload);
                install(generations.get(reload % 2), live);
                var next = assertInstanceOf(Loaded.Ok.class, Config.load(d.file())).table();
                var reloaded = d.daemon().reload(next);
                assertEquals(List.of("echo"), reloaded.kept(), reloaded.summary());
                published.set(reload);
                // Each generation is served to as many handshakes as there are clients before the next renewal.
                assertTrue(done.tryAcquire(CLIENTS, 60, TimeUnit.SECONDS),
                        "too few handshakes after reload " + reload + ": " + failures);
            }
            running.set(false);
            for (var client : clients) {
                client.join(60_000);
            }
            assertEquals(List.of(), List.copyOf(failures));
            assertTrue(checked.get() >= RELOADS * CLIENTS, "only " + checked.get() + " handshakes between reloads");
            var counts = d.daemon().log().tally().of("echo");
            assertTrue(d.awaitLogs(lines -> counts.connections() == handshakes.get()),
                    counts.connections() + " lines for " + handshakes.get() + " handshakes");
            assertEquals(Map.of(), counts.refused(), "no handshake was refused");
            assertEquals(handshakes.get(), counts.handshakes());
        }
    }
}
