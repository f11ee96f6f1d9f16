package org.jinetd.daemon.listen;

import static org.jinetd.daemon.DescriptorLimits.limits;
import static org.jinetd.daemon.DescriptorLimits.lowestWithFree;
import static org.jinetd.daemon.DescriptorLimits.openFds;
import static org.jinetd.daemon.DescriptorLimits.setLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.Libc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An accept that fails for want of a descriptor number is told as such, in whatever language the C library speaks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketsTest {
    /** glibc's EMFILE in German, as a daemon with LANG=de_DE.UTF-8 and the translations installed would read it. */
    private static final IOException GERMAN = new IOException("Zu viele offene Dateien");

    @Test
    void anAcceptShortOfDescriptorsIsToldByTheMessageOrByAskingForANumber() throws Throwable {
        try (var server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             var client = SocketChannel.open(server.getLocalAddress())) {
            // English from the C library: told by the message; the machine's table (ENFILE) is not ours.
            assertTrue(Sockets.outOfDescriptors(new IOException("Too many open files"), server));
            assertFalse(Sockets.outOfDescriptors(new IOException("Too many open files in system"), server));
            // Another language, or another failure, with numbers free: not a shortage.
            assertFalse(Sockets.outOfDescriptors(GERMAN, server));
            assertFalse(Sockets.outOfDescriptors(new IOException("Software caused connection abort"), server));
            // What a failure is told with is linked now, as the daemon links it at its start: linking
            // makes classes, which cannot be done with no descriptor left.
            assertThrows(Libc.Failure.class, () -> Descriptors.dupAbove(-1, 0));
            // The copy asked for is closed again.
            var before = openFds();
            assertFalse(Sockets.outOfDescriptors(GERMAN, server));
            var now = new ArrayList<>(openFds());
            now.removeAll(before);
            assertEquals(List.of(), now, "descriptors left by the look");
            // No number left below the soft limit: the accept itself fails, and so does the copy asked
            // for. Another thread of this JVM may free a number meanwhile: then it is tried again.
            var queued = new ArrayList<SocketChannel>();
            long[] limits = limits();
            IOException failed = null;
            boolean real = false;
            boolean german = false;
            try {
                for (int attempt = 0; attempt < 5 && failed == null; attempt++) {
                    queued.add(SocketChannel.open(server.getLocalAddress()));
                    setLimits(lowestWithFree(openFds(), 0), limits[1]);
                    try {
                        try (var accepted = server.accept()) {
                            // A number was free after all.
                        } catch (IOException e) {
                            failed = e;
                            real = Sockets.outOfDescriptors(e, server);
                            german = Sockets.outOfDescriptors(GERMAN, server);
                        }
                    } finally {
                        setLimits(limits[0], limits[1]);
                    }
                }
            } finally {
                for (var channel : queued) {
                    channel.close();
                }
            }
            assertNotNull(failed, "accept with no number left");
            assertTrue(real, "the JDK's own exception: " + failed);
            assertTrue(german, "a message in another language, with no number left");
            // Set back: the client still waits in the queue, and is accepted now.
            try (var accepted = server.accept()) {
                assertNotNull(accepted);
            }
            assertFalse(Sockets.outOfDescriptors(GERMAN, server), "numbers free again");
        }
    }
}
