package org.jinetd.handler.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jinetd.handler.ReplyHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** In an instance field, each test has a service of its own, closed when the test ends. */
class ServedPerTestTest {
    private static final List<Served> EARLIER = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final Served served = Served.stream((ReplyHandler) connection -> ByteBuffer.wrap(
            (connection.local() + "\n").getBytes(UTF_8)));

    @Test
    void first(Client client) {
        assertOwnService(client);
    }

    @Test
    void second(Client client) {
        assertOwnService(client);
    }

    private void assertOwnService(Client client) {
        assertEquals(served.address().toString(), client.line());
        // Whichever test runs second finds the first one's service closed.
        for (var earlier : EARLIER) {
            assertThrows(IllegalStateException.class, earlier::address);
        }
        EARLIER.add(served);
    }
}
