package org.jinetd.daemon.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What a handler logs becomes one bounded line, whatever it wrote, and goes nowhere it should not. */
class HandlerLineTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ConnectionLog log = new ConnectionLog(lines::add);
    private final InetSocketAddress peer = new InetSocketAddress("192.0.2.7", 4711);

    @Test
    void aHugeLineWithControlCharactersIsOneLineCutAtItsBound() {
        var text = "\u001b[31mred\r\n" + "x".repeat(1 << 20) + "\u0000";
        log.handlerLine("big", peer, "ex\u0007ample", System.Logger.Level.WARNING, () -> text, null);
        var line = lines.getFirst();
        assertTrue(line.startsWith("service=big peer=192.0.2.7:4711 logger=\"ex\\x07ample\" log=\"\\x1b[31mred\\r\\n"),
                line.substring(0, 100));
        assertTrue(line.endsWith(" [cut at 4096 characters]\""), line.substring(line.length() - 80));
        assertTrue(line.length() < 4096 + 200, "length " + line.length());
        assertTrue(line.endsWith("x".repeat(100) + " [cut at 4096 characters]\""), "the NUL past the cut is not there");
        assertFalse(line.chars().anyMatch(c -> c < ' '), "a control character in the line");
    }

    @Test
    void aLineBelowTheLevelIsNotMadeAndOffIsNeverWritten() {
        log.handlerLine("quiet", peer, "example", System.Logger.Level.DEBUG, () -> {
            throw new AssertionError("made");
        }, null);
        log.handlerLine("quiet", peer, "example", System.Logger.Level.OFF, () -> "off", null);
        assertEquals(List.of(), lines);
    }

    @Test
    void aServiceThatFloodsIsCountedWhileAnotherIsStillWritten() {
        for (int i = 0; i < 1000; i++) {
            log.handlerLine("loud", peer, "example", System.Logger.Level.INFO, () -> "again", null);
        }
        log.handlerLine("calm", peer, "example", System.Logger.Level.INFO, () -> "once", null);
        assertTrue(lines.stream().filter(l -> l.startsWith("service=loud peer=")).count() <= 2L * 100, lines.size() + " lines");
        assertTrue(lines.contains("service=calm peer=192.0.2.7:4711 logger=example log=once"), lines.toString());
    }
}
