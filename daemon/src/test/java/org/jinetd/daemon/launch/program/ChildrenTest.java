package org.jinetd.daemon.launch.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Descriptors;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Pids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reaper: a child that cannot be watched is not left serving; children watched from
 * other threads are all seen to their end, with their stderr.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChildrenTest {
    @Test
    void aChildWhosePidfdCannotBeOpenedIsKilledAndReaped() throws Exception {
        int pid = NativeSpawn.spawn(List.of("/bin/sleep", "600"), Map.of(), "/", new int[] {-1, -1, -1});
        assertEquals(true, Files.exists(Path.of("/proc/" + pid)), "the child runs");
        // A real failure of pidfd_open: that of a pid that cannot be.
        try (var children = new Children(ignored -> Pids.pidfdOpen(-1))) {
            var failure = assertThrows(Libc.Failure.class, () -> children.watch(pid, -1, null));
            assertEquals(22 /* EINVAL */, failure.errno);
            assertEquals(0, children.size());
        }
        // Reaped, not only killed: a zombie would still have its /proc entry.
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the child is gone and reaped");
    }

    /** A child spawned as the reaper stops is ended and reaped, and its stderr closed: never left unwatched. */
    @Test
    void aChildWatchedOnceTheReaperHasStoppedIsKilledAndReaped() throws Exception {
        int[] pipe = org.jinetd.daemon.os.Descriptors.pipe();
        int pid = NativeSpawn.spawn(List.of("/bin/sleep", "600"), Map.of(), "/", new int[] {-1, -1, pipe[1]});
        Libc.close(pipe[1]);
        var children = new Children();
        children.close();
        var log = new ConnectionLog(line -> { });
        assertThrows(IllegalStateException.class, () -> children.watch(pid, pipe[0], new StderrLines(log, "late", pid)));
        assertEquals(0, children.size());
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the child is gone and reaped");
        assertFalse(Files.exists(Path.of("/proc/self/fd/" + pipe[0])), "its stderr is closed");
    }

    /** More children than the reaper takes events of at once, added from several threads, ending together. */
    @Test
    void childrenWatchedFromManyThreadsAreAllSeenToTheirEndWithTheirStderr() throws Exception {
        var lines = new CopyOnWriteArrayList<String>();
        var log = new ConnectionLog(lines::add);
        int count = 300;
        try (var children = new Children()) {
            var exits = new CopyOnWriteArrayList<CompletableFuture<Exit>>();
            var threads = new ArrayList<Thread>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < count / 4; i++) {
                        try {
                            int[] pipe = Descriptors.pipe();
                            int pid = NativeSpawn.spawn(List.of("/bin/sh", "-c", "echo said >&2; exit 3"), Map.of(), "/",
                                    new int[] {-1, -1, pipe[1]});
                            Libc.close(pipe[1]);
                            exits.add(children.watch(pid, pipe[0], new StderrLines(log, "many", pid)).exit);
                        } catch (Libc.Failure e) {
                            throw new AssertionError(e);
                        }
                    }
                }));
            }
            for (var thread : threads) {
                thread.join();
            }
            assertEquals(count, exits.size());
            for (var exit : exits) {
                assertEquals(3, exit.get(30, TimeUnit.SECONDS).status().orElseThrow());
            }
            // Each child's stderr is read to its end before its end is told.
            assertEquals(count, lines.stream().filter(line -> line.contains("stderr=said")).count(), lines::toString);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (children.size() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, children.size());
        }
    }

    /** A descriptor's number, closed and opened again, reaches the new one's reader only. */
    @Test
    void aNumberUsedAgainReachesOnlyItsNewReader() throws Exception {
        var first = new CountDownLatch(1);
        var second = new CountDownLatch(1);
        var stale = new CopyOnWriteArrayList<String>();
        try (var loop = new PollLoop("test-loop", () -> { })) {
            int[] old = Descriptors.pipe();
            loop.watch(old[0], () -> stale.add("old reader ran"));
            var gone = new CountDownLatch(1);
            loop.run(() -> {
                loop.unwatch(old[0]);
                Programs.closeQuietly(old[0]);
                gone.countDown();
            });
            assertTrue(gone.await(10, TimeUnit.SECONDS));
            int[] again = Descriptors.pipe();
            try (var arena = Arena.ofShared()) {
                loop.watch(again[0], () -> {
                    try {
                        Descriptors.read(again[0], arena.allocate(16), 16);
                    } catch (Libc.Failure e) {
                        // nothing more to read
                    }
                    first.countDown();
                    second.countDown();
                });
                // The old write end, whose pipe has no reader now, and the new one's.
                Descriptors.write(again[1], new byte[] {'x'}, 0, 1);
                assertTrue(first.await(10, TimeUnit.SECONDS), "the new reader runs");
                assertTrue(second.await(10, TimeUnit.SECONDS));
                loop.run(() -> {
                    loop.unwatch(again[0]);
                    Programs.closeQuietly(again[0]);
                });
            }
            Programs.closeQuietly(old[1]);
            Programs.closeQuietly(again[1]);
            assertEquals(List.of(), stale);
        }
    }
}
