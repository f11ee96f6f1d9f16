package org.jinetd.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.jinetd.daemon.log.ConnectionLog;
import org.junit.jupiter.api.Test;

/** The per-source buckets are a bounded table: no number of sources grows it past its cap. */
class RateGateTest {
    @Test
    void manySourcesNeverGrowTheTablePastItsCap() throws Exception {
        // A slow rate: no bucket is ever full again, which is when the table used to grow past its cap.
        var service = AdmissionTest.service("rate_per_source: {per_second: 0.001, burst: 1}");
        var gate = new RateGate(new Episode("s", "s/tcp", "rate_per_source reached", "rate_per_source",
                new ConnectionLog(line -> { })));
        long now = System.nanoTime();
        int sources = RateGate.MAX_SOURCES + 10_000;
        for (int i = 0; i < sources; i++) {
            var address = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
            assertEquals(0, gate.sourceTurn(service, address, now, Long.MAX_VALUE), "the first connection of a source goes on");
        }
        assertEquals(RateGate.MAX_SOURCES, gate.sources());
        // The source heard from last is still known and held back; the first ones were forgotten.
        var last = InetAddress.getByAddress(new byte[] {10, (byte) ((sources - 1) >> 16), (byte) ((sources - 1) >> 8),
                (byte) (sources - 1)});
        assertTrue(gate.sourceTurn(service, last, now, 0) < 0);
    }
}
