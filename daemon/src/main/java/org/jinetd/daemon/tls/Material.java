package org.jinetd.daemon.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jinetd.daemon.config.Tls;

/**
 * One service's settings as one table gave them: what a handshake begun under them serves
 * and checks. A reload makes the next generation; a handshake under way keeps resolving the
 * identity it chose in the one it chose it from.
 *
 * @param generation  counts the updates of its context, from 0
 * @param tls         the table's settings
 * @param identities  the default identity, then those of {@code sni}, in table order: an
 *                    alias names one by its place here
 * @param clientTrust the check of client certificates, where {@code client} is set
 */
record Material(long generation, Tls tls, List<Tls.Identity> identities, Optional<X509ExtendedTrustManager> clientTrust) {
    Material {
        identities = List.copyOf(identities);
    }

    static Material of(long generation, Tls tls) {
        var identities = new ArrayList<Tls.Identity>();
        identities.add(tls.identity());
        identities.addAll(tls.sni().values());
        return new Material(generation, tls, identities, tls.client().map(c -> trust(c.authorities())));
    }

    /** The JDK's PKIX check of a chain, anchored at these authorities only (no revocation check). */
    private static X509ExtendedTrustManager trust(List<java.security.cert.X509Certificate> authorities) {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca" + i, authorities.get(i));
            }
            var factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK's PKIX trust manager is not an X509ExtendedTrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("the JDK cannot hold certificates in a key store", e);
        }
    }

    /** The alias of an identity of this generation: {@code 3/0} is generation 3's default. */
    String alias(Tls.Identity identity) {
        return generation + "/" + identities.indexOf(identity);
    }
}
