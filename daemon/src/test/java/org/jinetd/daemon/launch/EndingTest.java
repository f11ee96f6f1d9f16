package org.jinetd.daemon.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Optional;
import java.util.OptionalLong;
import org.jinetd.daemon.TestDaemon;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.policy.Admission;
import org.jinetd.daemon.policy.Global;
import org.junit.jupiter.api.Test;

/** Every way a connection ends goes through one step, and only the first end counts. */
class EndingTest {
    @Test
    void theFirstEndClosesReleasesLogsOnceAndLeaves() throws Exception {
        var file = TestDaemon.write("services: {s: {bind: 127.0.0.1, handler: echo}}");
        var service = ((Loaded.Ok) Config.load(file)).table().services().getFirst();
        Files.delete(file);
        var lines = new ArrayList<String>();
        var log = new ConnectionLog(lines::add);
        var global = new Global(10);
        var admission = new Admission(service, global, new org.jinetd.daemon.policy.Reflection(), log);
        var live = new Live();
        try (var server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             var client = SocketChannel.open(server.getLocalAddress());
             var channel = server.accept()) {
            assertTrue(admission.enter());
            var passage = new Passage(service, channel, client.getLocalAddress(), server.getLocalAddress(), admission,
                    null, System.nanoTime(), log);
            var admitted = (Admission.Verdict.Admitted) admission.admit(InetAddress.getLoopbackAddress(), Optional.empty(),
                    service);
            passage.admitted(admitted.ticket(), 0);
            var ending = passage.ending();
            ending.live(live.add("s", ending::peer, passage.since(), () -> { }));
            assertEquals(1, global.live());
            assertEquals(1, live.size());
            // The program's exit and a stop reach the end at once: one line, one release.
            ending.end(OptionalLong.of(42), OptionalLong.of(0), Optional.empty(), Optional.empty(), Optional.empty());
            ending.end(Optional.of("stop"), Optional.empty());
            ending.endCounted();
            assertFalse(channel.isOpen());
            assertEquals(0, global.live());
            assertEquals(0, admission.live());
            assertEquals(0, live.size());
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.getFirst().startsWith("service=s peer=127.0.0.1:") && lines.getFirst().contains(" pid=42 exit=0 "),
                    lines.getFirst());
        }
    }
}
