package org.jinetd.daemon.launch.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Pids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A child that cannot be watched is not left serving: it is ended and reaped at once. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
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
}
