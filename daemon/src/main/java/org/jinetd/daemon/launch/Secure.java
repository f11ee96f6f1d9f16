package org.jinetd.daemon.launch;

import java.util.Optional;
import org.jinetd.daemon.tls.Handshake;
import org.jinetd.daemon.tls.ServerContexts;

/**
 * TLS, where the service has {@code tls:}: the whole handshake, within
 * {@code handshake_timeout}, before anything runs for the client, so that a scanner or a
 * client that never finishes costs no process and holds its place only until then. From here
 * on the launch talks plaintext through the TLS channel.
 */
final class Secure implements Step {
    private final ServerContexts contexts;

    Secure(ServerContexts contexts) {
        this.contexts = contexts;
    }

    @Override
    public boolean waits(Passage passage) {
        return passage.service().tls().isPresent();
    }

    @Override
    public boolean pass(Passage passage) {
        if (passage.service().tls().isEmpty()) {
            return true;
        }
        var ending = passage.ending();
        var context = contexts.context(passage.service().name());
        if (context.isEmpty()) {
            // The service came with a table applied after its connection was accepted: as a fault.
            ending.end(Optional.empty(), Optional.of("no TLS context for the service"));
            return false;
        }
        return switch (Handshake.run(passage.channel(), context.get())) {
            case Handshake.Secured secured -> {
                passage.secured(secured.channel());
                yield true;
            }
            case Handshake.Failed failed -> {
                var entry = ending.entry();
                if (entry != null && entry.reason().isPresent()) {
                    // A stop closed it during its handshake: that is why it ends.
                    ending.end(entry.reason(), Optional.empty());
                } else {
                    passage.refuse("tls_" + failed.failure().key(), true, Optional.of(failed.detail()));
                }
                yield false;
            }
        };
    }
}
