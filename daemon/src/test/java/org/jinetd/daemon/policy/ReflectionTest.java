package org.jinetd.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sources a UDP internal service never answers, as OpenBSD inetd's dg_badinput and more. */
class ReflectionTest {
    private final Reflection reflection = new Reflection();

    private Optional<String> from(String address, int port) throws Exception {
        return reflection.refusal(new InetSocketAddress(InetAddress.getByName(address), port));
    }

    @Test
    void serversPortsAreNeverAnswered() throws Exception {
        reflection.servicePorts(Set.of(7019));
        for (int port : new int[] {0, 7, 19, 123, 1023, 2049, 7019}) {
            assertEquals(Optional.of("source_port"), from("127.0.0.1", port), "port " + port);
        }
        assertEquals(Optional.empty(), from("127.0.0.1", 1024));
        assertEquals(Optional.empty(), from("127.0.0.1", 50_000));
        assertEquals(Optional.empty(), from("::1", 50_000));
    }

    @Test
    void addressesOfManyHostsOrNoneAreNeverAnswered() throws Exception {
        for (var address : new String[] {"0.0.0.0", "0.1.2.3", "255.255.255.255", "224.0.0.1", "239.1.1.1",
                "240.0.0.1", "::", "ff02::1"}) {
            assertEquals(Optional.of("source_address"), from(address, 50_000), address);
        }
        assertEquals(Optional.empty(), from("192.0.2.1", 50_000));
    }
}
