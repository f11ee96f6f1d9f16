package org.jinetd.daemon.launch.program;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.jinetd.daemon.os.Libc;
import org.junit.jupiter.api.Test;

/** The soft limit of open files is given back only where it is known, well formed, and not in force already. */
class SetupTest {
    @Test
    void aLimitBelowTheOneInForceIsGivenBack() throws Exception {
        long now = Libc.openFilesSoftLimit();
        var lower = Long.toString(Math.min(now < 0 ? 1024 : now - 1, 1024));
        assertEquals(Optional.of(lower), Setup.restore(lower));
    }

    @Test
    void theLimitInForceAnUnknownOneAndGarbageAreNotGivenBack() throws Exception {
        long now = Libc.openFilesSoftLimit();
        assertEquals(Optional.empty(), Setup.restore(now < 0 ? "unlimited" : Long.toString(now)));
        assertEquals(Optional.empty(), Setup.restore(null));
        assertEquals(Optional.empty(), Setup.restore(""));
        assertEquals(Optional.empty(), Setup.restore("1024; rm -rf /"));
        assertEquals(Optional.empty(), Setup.restore("-1"));
        assertEquals(Optional.empty(), Setup.restore("9".repeat(40)));
    }
}
