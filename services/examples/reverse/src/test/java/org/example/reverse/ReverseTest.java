package org.example.reverse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.jinetd.handler.testkit.Client;
import org.jinetd.handler.testkit.Served;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReverseTest {
    @RegisterExtension
    static final Served served = Served.stream(new ReverseProvider(), Map.of("suffix", "!"));

    @Test
    void reversesEachLine(Client client) {
        client.send("hello\r\nwörld\n");
        assertEquals("olleh!", client.line());
        assertEquals("dlröw!", client.line());
    }
}
