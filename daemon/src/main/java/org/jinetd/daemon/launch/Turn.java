package org.jinetd.daemon.launch;

import java.time.Duration;
import java.util.Optional;

/** The turn admission reserved for the client by its source's rate: it waits that long. */
final class Turn implements Step {
    @Override
    public boolean waits(Passage passage) {
        return passage.delay() > 0;
    }

    @Override
    public boolean pass(Passage passage) {
        if (passage.delay() == 0) {
            return true;
        }
        try {
            Thread.sleep(Duration.ofNanos(passage.delay()));
            return true;
        } catch (InterruptedException e) {
            // A stop ended it while it waited.
            var entry = passage.ending().entry();
            passage.ending().end(entry == null ? Optional.empty() : entry.reason(), Optional.empty());
            return false;
        }
    }
}
