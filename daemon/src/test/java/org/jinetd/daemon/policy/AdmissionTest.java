package org.jinetd.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Optional;
import org.jinetd.daemon.TestDaemon;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.ConnectionLog;
import org.junit.jupiter.api.Test;

/** One answer per client: admitted now, admitted after its turn, or refused, and why. */
class AdmissionTest {
    /** The one service of a table with an echo handler and {@code keys}. */
    static Service service(String keys) throws Exception {
        var file = TestDaemon.write("services: {s: {bind: 127.0.0.1, handler: echo, %s}}".formatted(keys));
        try {
            return assertInstanceOf(Loaded.Ok.class, Config.load(file)).table().services().getFirst();
        } finally {
            Files.delete(file);
        }
    }

    private final ConnectionLog log = new ConnectionLog(line -> { });

    private Admission admission(Service service) {
        return new Admission(service, new Global(100), new Reflection(), log);
    }

    @Test
    void aSourceOverItsRateWaitsForItsTurnUpToRateWaitThenIsRefused() throws Exception {
        var service = service("rate_per_source: {per_second: 1, burst: 1}, rate_wait: 2500ms");
        var admission = admission(service);
        var client = InetAddress.getByName("127.0.0.9");
        var now = assertInstanceOf(Admission.Verdict.Admitted.class, admission.admit(client, Optional.empty(), service));
        assertEquals(0, now.delay());
        var second = assertInstanceOf(Admission.Verdict.Admitted.class, admission.admit(client, Optional.empty(), service));
        assertTrue(second.delay() > 500_000_000L && second.delay() <= 1_000_000_000L, second.delay() + " ns");
        var third = assertInstanceOf(Admission.Verdict.Admitted.class, admission.admit(client, Optional.empty(), service));
        assertTrue(third.delay() > 1_500_000_000L && third.delay() <= 2_000_000_000L, third.delay() + " ns");
        var fourth = assertInstanceOf(Admission.Verdict.Refused.class, admission.admit(client, Optional.empty(), service));
        assertEquals(new Admission.Verdict.Refused("rate_per_source", true), fourth);
        // Its place was given back: the three admitted hold three.
        assertEquals(3, admission.live());
        // Another source has its own turn; a datagram never waits.
        var other = InetAddress.getByName("127.0.0.10");
        assertEquals(0, assertInstanceOf(Admission.Verdict.Admitted.class,
                admission.admitDatagram(new InetSocketAddress(other, 40000), service)).delay());
        assertInstanceOf(Admission.Verdict.Refused.class, admission.admitDatagram(new InetSocketAddress(other, 40000),
                service));
        assertEquals(2, log.tally().of("s").refused().get("rate_per_source"));
    }

    @Test
    void accessAndLimitsAreRefusedWithTheirReasonAndALineOfTheirOwn() throws Exception {
        var service = service("only_from: [127.0.0.0/8], instances: 1");
        var admission = admission(service);
        assertEquals(new Admission.Verdict.Refused("only_from", false),
                admission.admit(InetAddress.getByName("192.0.2.1"), Optional.empty(), service));
        assertInstanceOf(Admission.Verdict.Admitted.class,
                admission.admit(InetAddress.getByName("127.0.0.1"), Optional.empty(), service));
        assertEquals(new Admission.Verdict.Refused("instances", false),
                admission.admit(InetAddress.getByName("127.0.0.1"), Optional.empty(), service));
    }
}
