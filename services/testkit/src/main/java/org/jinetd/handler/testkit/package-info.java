/**
 * Tests for jinetd handlers, without ceremony. {@link org.jinetd.handler.testkit.Served}
 * serves a handler, or a provider with options, on a real loopback socket the way the
 * daemon serves it, and gives each test a connected
 * {@link org.jinetd.handler.testkit.Client} or {@link org.jinetd.handler.testkit.DatagramClient}
 * whose every wait has a deadline; whatever a handler throws fails the test.
 * {@snippet :
 * class ReverseTest {
 *     @RegisterExtension
 *     static final Served served = Served.stream(new ReverseProvider(), Map.of("suffix", "!"));
 *
 *     @Test
 *     void reversesEachLine(Client client) {
 *         client.send("hello\nworld\n");
 *         assertEquals("olleh!", client.line());
 *         assertEquals("dlrow!", client.line());
 *     }
 * }
 * }
 *
 * <p>{@link org.jinetd.handler.testkit.MemoryConnection} and
 * {@link org.jinetd.handler.testkit.MemoryDatagram} are the same handler's view without a
 * socket: input given up front, output kept, for unit tests of one request.
 */
package org.jinetd.handler.testkit;
