package org.jinetd.daemon.tls;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import org.jinetd.daemon.config.Tls;

/**
 * The TLS server side of one service, made once and kept across reloads: its SSLContext owns
 * the session cache and the keys of TLS 1.3's session tickets, so a client resumes after a
 * reload as before it. Its key and trust managers read the current material, which
 * {@link #update} swaps: every handshake begun after it serves the new certificate, while
 * connections already up keep theirs.
 */
public final class ServerContext {
    /** A replaced material stays resolvable this long past the longest handshake it may still serve. */
    private static final Duration MARGIN = Duration.ofSeconds(30);

    private final SSLContext context;
    private volatile Material current;
    /** Generations replaced, for a handshake that chose its identity just before an update. */
    private final Map<Long, Retired> retired = new ConcurrentHashMap<>();
    private Duration longest;
    /**
     * The host name each handshake under way asked for, as its ClientHello says: JSSE asks the
     * key manager for the identity of a session ticket before it has a handshake session to
     * tell the name by, and a ticket of an sni name must find that name's certificate again.
     */
    private final Map<SSLEngine, String> asked = new ConcurrentHashMap<>();

    private record Retired(Material material, long since) {}

    public ServerContext(Tls tls) {
        Objects.requireNonNull(tls, "tls");
        current = Material.of(0, tls);
        longest = tls.handshakeTimeout();
        try {
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SniKeys(this)}, new TrustManager[] {new ClientTrust(this)}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK serves no TLS", e);
        }
    }

    /** New handshakes use {@code tls} from now on; those under way and connections up keep what they had. */
    public synchronized void update(Tls tls) {
        Objects.requireNonNull(tls, "tls");
        var old = current;
        long now = System.nanoTime();
        retired.put(old.generation(), new Retired(old, now));
        current = Material.of(old.generation() + 1, tls);
        if (tls.handshakeTimeout().compareTo(longest) > 0) {
            longest = tls.handshakeTimeout();
        }
        // A handshake chooses its identity and reads its key at once; one that chose from a
        // replaced generation is over (done, or closed at its deadline) long before this.
        long keep = longest.plus(MARGIN).toNanos();
        retired.values().removeIf(r -> now - r.since() > keep);
    }

    /** The settings new handshakes use. */
    public Tls settings() {
        return current.tls();
    }

    Material current() {
        return current;
    }

    /** The identity an alias of {@link SniKeys} names, in the generation it was chosen from. */
    Optional<Tls.Identity> identity(String alias) {
        int slash = alias == null ? -1 : alias.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        try {
            long generation = Long.parseLong(alias.substring(0, slash));
            int index = Integer.parseInt(alias.substring(slash + 1));
            var material = current;
            if (material.generation() != generation) {
                var old = retired.get(generation);
                if (old == null) {
                    return Optional.empty();
                }
                material = old.material();
            }
            return index >= 0 && index < material.identities().size()
                    ? Optional.of(material.identities().get(index)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The host name the handshake of {@code engine} asked for, until {@link #forget}. */
    void asked(SSLEngine engine, String host) {
        asked.put(engine, host);
    }

    Optional<String> asked(SSLEngine engine) {
        return engine == null ? Optional.empty() : Optional.ofNullable(asked.get(engine));
    }

    /** The handshake of {@code engine} is over. */
    void forget(SSLEngine engine) {
        asked.remove(engine);
    }

    /** A server engine set as {@code material} says: its protocols, ALPN names, client check. */
    SSLEngine engine(Material material) {
        var tls = material.tls();
        var engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        var parameters = engine.getSSLParameters();
        parameters.setProtocols(tls.protocols().toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
        if (!tls.alpn().isEmpty()) {
            parameters.setApplicationProtocols(tls.alpn().toArray(String[]::new));
        }
        tls.client().ifPresent(c -> {
            if (c.require()) {
                parameters.setNeedClientAuth(true);
            } else {
                parameters.setWantClientAuth(true);
            }
        });
        engine.setSSLParameters(parameters);
        return engine;
    }
}
