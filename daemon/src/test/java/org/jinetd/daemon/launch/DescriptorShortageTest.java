package org.jinetd.daemon.launch;

import static org.jinetd.daemon.DescriptorLimits.limits;
import static org.jinetd.daemon.DescriptorLimits.lowestWithFree;
import static org.jinetd.daemon.DescriptorLimits.openFds;
import static org.jinetd.daemon.DescriptorLimits.setLimits;
import org.jinetd.daemon.launch.program.Program;

import org.jinetd.daemon.launch.program.Children;

import org.jinetd.daemon.launch.program.Piped;

import org.jinetd.daemon.launch.program.Setup;

import org.jinetd.daemon.launch.program.Programs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.TestDaemon;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.Service;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Libc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jinetd.daemon.launch.Inherit;
import org.jinetd.daemon.launch.Live;

/** A spawn that runs out of descriptors (EMFILE) at any of its steps leaves none of them open. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DescriptorShortageTest {

    @Test
    void aSpawnShortOfDescriptorsLeavesNoneOpenAndNoChildBehind() throws Throwable {
        // With its stderr on a pipe the spawn can fail at the pipe; without, at the pidfd.
        var file = TestDaemon.write("""
                services:
                  logged: {bind: 127.0.0.1, user: %1$s, exec: [/bin/echo, hi]}
                  quiet: {bind: 127.0.0.1, user: %1$s, stderr: null, exec: [/bin/echo, hi]}
                """.formatted(System.getProperty("user.name")));
        var failures = new ArrayList<String>();
        for (var service : ((Loaded.Ok) Config.load(file)).table().services()) {
            failures.addAll(spawnShortOfDescriptors(service));
        }
        assertTrue(failures.stream().anyMatch(f -> f.startsWith("pipe2")), failures.toString());
        assertTrue(failures.stream().anyMatch(f -> f.startsWith("pidfd_open")), failures.toString());
        // Said in words even then: what says it was linked before descriptors ran short. (Where the
        // socket's own number is past the lowered limit, posix_spawn refuses to pass it on: EBADF.)
        assertTrue(failures.stream().allMatch(f -> f.endsWith(": Too many open files")
                || f.endsWith(": Bad file descriptor")), failures.toString());
    }

    /** Spawns with 0 to 4 descriptors free; returns the failures. */
    private static List<String> spawnShortOfDescriptors(Service service) throws Throwable {
        var exec = (Launch.Exec) service.launch();
        var failures = new ArrayList<String>();
        try (var children = new Children();
             var server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             var client = SocketChannel.open(server.getLocalAddress());
             var accepted = server.accept()) {
            // The numbers other tests closed below the socket's are taken here, so that every
            // lowered limit below is above the socket's own number, which posix_spawn passes on.
            var fillers = new ArrayList<FileChannel>();
            int highest = openFds().last();
            while (openFds().headSet(highest).size() < highest) {
                fillers.add(FileChannel.open(Path.of("/dev/null")));
            }
            var log = new ConnectionLog(line -> { });
            var inherit = new Inherit(new Live(), log, new Programs(children, null, Setup.none(), log));
            // Once through, so that every class and call on the way is loaded and linked.
            inherit.start(service, exec, accepted, Map.of(), true).join().exit().get(10, TimeUnit.SECONDS);
            long[] limits = limits();
            try {
                shortOfDescriptors(service, exec, inherit, children, accepted, limits, failures);
            } finally {
                for (var filler : fillers) {
                    filler.close();
                }
            }
        }
        return failures;
    }

    private static void shortOfDescriptors(Service service, Launch.Exec exec, Inherit inherit, Children children,
                                           SocketChannel accepted, long[] limits, List<String> failures)
            throws Throwable {
        for (int free = 0; free <= 4; free++) {
            var before = openFds();
            Program child = null;
            setLimits(lowestWithFree(before, free), limits[1]);
            try {
                child = inherit.start(service, exec, accepted, Map.of(), true).join();
            } catch (Libc.Failure e) {
                failures.add(e.getMessage());
            } finally {
                setLimits(limits[0], limits[1]);
            }
            if (child != null) {
                child.exit().get(10, TimeUnit.SECONDS);
            }
            assertLeftNone(before, service.name() + ": descriptors after a spawn with " + free + " free");
            assertEquals(0, children.size(), service.name() + ": children not reaped");
        }
    }

    @Test
    void aBridgedSpawnShortOfDescriptorsLeavesNoneOpenAndNoChildBehind() throws Throwable {
        var file = TestDaemon.write("services: {piped: {bind: 127.0.0.1, user: " + System.getProperty("user.name")
                + ", io: bridge, exec: [/bin/echo, hi]}}");
        var service = ((Loaded.Ok) Config.load(file)).table().services().getFirst();
        var exec = (Launch.Exec) service.launch();
        var log = new ConnectionLog(line -> { });
        var setup = Setup.none();
        var failures = new ArrayList<String>();
        try (var children = new Children()) {
            var programs = new Programs(children, null, setup, log);
            // Once through, so that every class and call on the way is loaded and linked.
            finish(Piped.start(exec, Map.of(), setup, programs, log, "piped"));
            long[] limits = limits();
            for (int free = 0; free <= 8; free++) {
                var before = openFds();
                Piped program = null;
                setLimits(lowestWithFree(before, free), limits[1]);
                try {
                    program = Piped.start(exec, Map.of(), setup, programs, log, "piped");
                } catch (IOException | Libc.Failure e) {
                    failures.add(e.getMessage());
                } finally {
                    setLimits(limits[0], limits[1]);
                }
                if (program != null) {
                    finish(program);
                }
                assertLeftNone(before, "descriptors after a spawn with " + free + " free");
                assertEquals(0, children.size(), "children not reaped");
            }
        }
        // Short at each step in turn: the pipes, the stderr pipe, the pidfd.
        assertTrue(failures.size() >= 3, failures.toString());
    }

    /** No descriptor is open that was not before (the test JVM may close one of its own meanwhile). */
    private static void assertLeftNone(java.util.Collection<?> before, String what) throws Exception {
        var now = new java.util.ArrayList<>(openFds());
        now.removeAll(before);
        assertEquals(List.of(), now, what);
    }

    private static void finish(Piped program) throws Exception {
        program.stdin().close();
        assertEquals("hi\n", new String(program.stdout().readAllBytes()));
        program.stdout().close();
        assertEquals(java.util.OptionalInt.of(0), program.await().status());
    }

}
