package org.jinetd.daemon.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** xinetd's banner: sent before anything runs for the client, inside TLS where the service has it. */
final class Greet implements Step {
    @Override
    public boolean waits(Passage passage) {
        return passage.service().banners().banner().isPresent();
    }

    @Override
    public boolean pass(Passage passage) {
        var banner = passage.service().banners().banner();
        if (banner.isEmpty()) {
            return true;
        }
        try {
            var bytes = ByteBuffer.wrap(banner.get().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                passage.plain().write(bytes);
            }
            return true;
        } catch (IOException e) {
            var entry = passage.ending().entry();
            var reason = entry == null ? Optional.<String>empty() : entry.reason();
            passage.ending().end(reason, reason.isPresent() ? Optional.empty()
                    : Optional.of("client gone before the banner"));
            return false;
        }
    }
}
