package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jinetd.daemon.config.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload updates a service's context in place: the next handshake serves the new
 * certificate, none under way fails, and a client resumes its session across it.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ReloadTest {
    @TempDir
    Path dir;

    private String files(TestCertificates.Pair pair) {
        return "certificate: %s\nkey: %s\n".formatted(pair.certificate(), pair.key());
    }

    @Test
    void aClientResumesItsSessionAfterAnUpdateThatKeepsTheCertificate() throws Exception {
        var made = new TestCertificates(dir);
        var web = made.selfSigned("web", "ec", "www.example.org");
        var client = Fixtures.client(web.certificate());
        try (var server = new TlsServer(Fixtures.tls(dir, files(web)))) {
            try (var socket = Clients.connect(client, server.port(), Clients.sni("www.example.org"))) {
                // The ticket comes after the handshake, before the echo.
                assertEquals("x", Clients.exchange(socket, "x"));
            }
            assertEquals(false, assertInstanceOf(Handshake.Secured.class, server.next()).channel().session().resumed());
            server.context.update(Fixtures.tls(dir, files(web) + "alpn: [h2]\nhandshake_timeout: 20s\n"));
            try (var socket = Clients.connect(client, server.port(), Clients.sni("www.example.org"))) {
                assertEquals("y", Clients.exchange(socket, "y"));
            }
            var session = assertInstanceOf(Handshake.Secured.class, server.next()).channel().session();
            assertEquals("TLSv1.3", session.protocol());
            assertEquals(true, session.resumed(), "the ticket of before the update still holds");
            assertEquals(Optional.of("www.example.org"), session.serverName());
        }
    }

    @Test
    void aResumedSessionMeetsTheClientCheckOfNow() throws Exception {
        var made = new TestCertificates(dir);
        var web = made.selfSigned("web", "ec", "www.example.org");
        var ca = made.authority("ca");
        var other = made.authority("other");
        var alice = made.issued("alice", ca, "ec");
        var client = Fixtures.client(Clients.keys(dir, alice), web.certificate());
        var trusting = files(web) + "client: {ca: %s}\n".formatted(ca.certificate());
        try (var server = new TlsServer(Fixtures.tls(dir, trusting))) {
            try (var socket = Clients.connect(client, server.port(), p -> { })) {
                assertEquals("x", Clients.exchange(socket, "x"));
            }
            server.next();
            server.context.update(Fixtures.tls(dir, trusting + "alpn: [h2]\n"));
            try (var socket = Clients.connect(client, server.port(), p -> { })) {
                assertEquals("y", Clients.exchange(socket, "y"));
            }
            var resumed = assertInstanceOf(Handshake.Secured.class, server.next()).channel().session();
            assertEquals(true, resumed.resumed());
            assertEquals("CN=alice", resumed.clientChain().getFirst().getSubjectX500Principal().getName());
            // The reload no longer trusts alice's authority: her ticket does not let her in.
            server.context.update(Fixtures.tls(dir, files(web) + "client: {ca: %s}\n".formatted(other.certificate())));
            // Its session is agreed before the check: it is ended with close_notify, the echo unanswered.
            try (var socket = Clients.connect(client, server.port(), p -> { })) {
                assertEquals("", Clients.exchange(socket, "z"));
            }
            var refused = assertInstanceOf(Handshake.Failed.class, server.next());
            assertEquals(Failure.BAD_CERTIFICATE, refused.failure(), refused.toString());
            assertTrue(refused.detail().startsWith("resumed: "), refused.detail());
        }
    }

    @Test
    void aRenewedCertificateIsServedAtOnceAndAClientWithAnOldTicketGetsAFullHandshake() throws Exception {
        var made = new TestCertificates(dir);
        var old = made.selfSigned("old", "ec", "www.example.org");
        var renewed = made.selfSigned("renewed", "ec", "www.example.org");
        var client = Fixtures.client(old.certificate(), renewed.certificate());
        try (var server = new TlsServer(Fixtures.tls(dir, files(old)))) {
            try (var socket = Clients.connect(client, server.port(), p -> { })) {
                assertEquals("x", Clients.exchange(socket, "x"));
                assertEquals(Fixtures.certificate(old.certificate()), socket.getSession().getPeerCertificates()[0]);
            }
            server.next();
            server.context.update(Fixtures.tls(dir, files(renewed)));
            try (var socket = Clients.connect(client, server.port(), p -> { })) {
                assertEquals("y", Clients.exchange(socket, "y"));
                assertEquals(Fixtures.certificate(renewed.certificate()), socket.getSession().getPeerCertificates()[0]);
            }
            assertEquals(false, assertInstanceOf(Handshake.Secured.class, server.next()).channel().session().resumed());
        }
    }

    @Test
    void aHundredUpdatesUnderSixteenClientsFailNoHandshakeAndEachServesTheNewCertificate() throws Exception {
        var made = new TestCertificates(dir);
        var a = made.selfSigned("a", "ec", "www.example.org");
        var b = made.selfSigned("b", "ec", "www.example.org");
        var tlsA = Fixtures.tls(dir, files(a));
        var tlsB = Fixtures.tls(dir, files(b));
        var certA = Fixtures.certificate(a.certificate());
        var certB = Fixtures.certificate(b.certificate());
        var started = new AtomicInteger();
        var published = new AtomicInteger();
        var handshakes = new AtomicInteger();
        var done = new java.util.concurrent.Semaphore(0);
        var checked = new AtomicInteger();
        var failures = new ConcurrentLinkedQueue<String>();
        var running = new AtomicBoolean(true);
        try (var server = new TlsServer(tlsA)) {
            var clients = new ArrayList<Thread>();
            for (int t = 0; t < 16; t++) {
                clients.add(Thread.ofPlatform().name("client " + t).start(() -> {
                    while (running.get()) {
                        int before = published.get();
                        try {
                            // A client of its own: a resumed session would show the certificate of its first.
                            var context = Fixtures.client(a.certificate(), b.certificate());
                            try (var socket = Clients.connect(context, server.port(), p -> { })) {
                                var served = socket.getSession().getPeerCertificates()[0];
                                if (!Clients.exchange(socket, "z").equals("z")) {
                                    failures.add("no echo");
                                }
                                // No update began since this handshake began: it must show the latest.
                                if (started.get() == before) {
                                    checked.incrementAndGet();
                                    if (!served.equals(before % 2 == 0 ? certA : certB)) {
                                        failures.add("update " + before + " done, yet the other certificate was served");
                                    }
                                }
                            }
                            handshakes.incrementAndGet();
                            done.release();
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            for (int update = 1; update <= 100; update++) {
                done.drainPermits();
                started.set(update);
                server.context.update(update % 2 == 0 ? tlsA : tlsB);
                published.set(update);
                // Each certificate is served a while before the next update.
                assertTrue(done.tryAcquire(16, 60, TimeUnit.SECONDS), "no handshakes after update " + update + ": " + failures);
            }
            running.set(false);
            for (var client : clients) {
                client.join(60_000);
            }
            assertEquals(List.of(), List.copyOf(failures));
            assertTrue(checked.get() >= 100, "only " + checked.get() + " handshakes between updates");
            var refused = server.outcomes.stream().filter(o -> o instanceof Handshake.Failed).toList();
            assertEquals(List.of(), refused);
            assertEquals(handshakes.get(), server.outcomes.size());
        }
        assertTrue(Files.exists(a.certificate()));
    }
}
