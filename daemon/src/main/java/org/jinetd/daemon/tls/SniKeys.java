package org.jinetd.daemon.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jinetd.daemon.config.Tls;

/**
 * Chooses what a server shows a client: the identity of the host name it asked for (SNI:
 * exact, then a wildcard of one label), else the default, each read from the context's
 * current material. JSSE asks for each kind of key its client's signature schemes allow
 * (EC, RSA, EdDSA); an identity of another kind is not offered for it.
 */
final class SniKeys extends X509ExtendedKeyManager {
    private final ServerContext owner;

    SniKeys(ServerContext owner) {
        this.owner = owner;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        var material = owner.current();
        var identity = material.tls().pick(owner.asked(engine).or(() -> host(engine)));
        return identity.key().getAlgorithm().equals(keyType) ? material.alias(identity) : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        var material = owner.current();
        var identity = material.tls().identity();
        return identity.key().getAlgorithm().equals(keyType) ? material.alias(identity) : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        var material = owner.current();
        return material.identities().stream().filter(i -> i.key().getAlgorithm().equals(keyType))
                .map(material::alias).toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return owner.identity(alias).map(i -> i.chain().toArray(X509Certificate[]::new)).orElse(null);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return owner.identity(alias).map(Tls.Identity::key).orElse(null);
    }

    /** The host name of the handshake's session, for a ClientHello too long for its first record. */
    private static Optional<String> host(SSLEngine engine) {
        if (engine != null && engine.getHandshakeSession() instanceof ExtendedSSLSession session) {
            return session.getRequestedServerNames().stream().filter(n -> n instanceof SNIHostName)
                    .map(n -> ((SNIHostName) n).getAsciiName()).findFirst();
        }
        return Optional.empty();
    }

    // A server has no client side.

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
