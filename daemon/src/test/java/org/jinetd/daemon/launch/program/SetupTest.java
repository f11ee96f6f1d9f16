package org.jinetd.daemon.launch.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Optional;
import org.jinetd.daemon.os.Processes;
import org.junit.jupiter.api.Test;

/**
 * The soft limit of open files the daemon started with is kept while its descriptors stay
 * well below it, and given back to programs only once the daemon has raised its own; only
 * a well-formed limit from the launcher counts.
 */
class SetupTest {
    @Test
    void aLimitBelowTheHardOneIsKeptUntilTheDescriptorsComeNearIt() {
        var said = new ArrayList<String>();
        var setup = new Setup(Optional.of("1024"), 1024, 524288, said::add);
        assertEquals(Optional.empty(), setup.openFiles());
        assertEquals(Optional.of("1024"), setup.forSpawners());
        assertEquals(524288, setup.reachable());
        setup.opened(767);
        assertEquals(Optional.empty(), setup.openFiles());
        assertTrue(said.isEmpty(), said.toString());
        // A quarter of the limit left: raised (this test's JVM has its soft limit at its hard one already).
        setup.opened(768);
        assertEquals(Optional.of("1024"), setup.openFiles());
        assertEquals(Optional.of("1024"), setup.forSpawners());
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.getFirst().startsWith("open files: the daemon's descriptors came near its soft limit of 1024, "
                + "raised to the hard one (524288); programs get 1024 back through prlimit"), said.toString());
        assertFalse(setup.raise());
        setup.opened(1000);
        assertEquals(1, said.size(), said.toString());
    }

    @Test
    void aDaemonThatWasRaisedAlreadyGivesTheLimitBackFromTheStart() {
        // The JVM raised it (the launcher's -XX:-MaxFDLimit overridden), or the limit could not be read.
        assertEquals(Optional.of("1024"), new Setup(Optional.of("1024"), 524288, 524288, line -> { }).openFiles());
        assertEquals(Optional.of("1024"), new Setup(Optional.of("1024"), -2, -2, line -> { }).openFiles());
        var unlimited = new Setup(Optional.of("unlimited"), 4096, 4096, line -> { });
        assertEquals(Optional.of("unlimited"), unlimited.openFiles());
        assertEquals(Optional.of("unlimited"), unlimited.forSpawners());
    }

    @Test
    void nothingToRaiseNothingToGiveBack() throws Exception {
        // soft = hard, as in LimitNOFILE=N:N: spawners' JVMs raise to the same limit, and nothing is ever raised.
        var same = new Setup(Optional.of("4096"), 4096, 4096, line -> { });
        same.opened(4095);
        assertFalse(same.raise());
        assertEquals(Optional.empty(), same.openFiles());
        assertEquals(Optional.empty(), same.forSpawners());
        var infinite = new Setup(Optional.of("unlimited"), Processes.UNLIMITED, Processes.UNLIMITED, line -> { });
        assertFalse(infinite.raise());
        assertEquals(Optional.empty(), infinite.openFiles());
        // Nothing it may raise: what this process may open now.
        assertEquals(Processes.openFiles()[0], infinite.reachable());
        // Without the launcher: nothing known to give back.
        assertEquals(Optional.empty(), Setup.none().openFiles());
        assertEquals(Optional.empty(), Setup.none().forSpawners());
        assertFalse(Setup.none().raise());
    }

    @Test
    void anUnknownOrMalformedLimitFromTheLauncherIsIgnored() {
        assertEquals(Optional.of("1024"), Setup.valid("1024"));
        assertEquals(Optional.of("unlimited"), Setup.valid("unlimited"));
        assertEquals(Optional.empty(), Setup.valid(null));
        assertEquals(Optional.empty(), Setup.valid(""));
        assertEquals(Optional.empty(), Setup.valid("1024; rm -rf /"));
        assertEquals(Optional.empty(), Setup.valid("-1"));
        assertEquals(Optional.empty(), Setup.valid("9".repeat(40)));
    }
}
