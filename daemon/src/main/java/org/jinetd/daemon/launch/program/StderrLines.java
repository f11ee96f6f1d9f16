package org.jinetd.daemon.launch.program;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jinetd.daemon.log.ConnectionLog;

/**
 * A program's stderr into the log, a line at a time with its service and pid, within
 * bounds whatever the program writes: a line longer than {@value #MOST_LINE} bytes is
 * logged cut, with a mark, and the rest of it skipped; past {@value #LINES_PER_SECOND}
 * lines in a second the lines are counted, not logged, and the count is logged with the
 * next line after that second, or when the program closes its stderr.
 */
public final class StderrLines {
    static final int MOST_LINE = 4096;
    static final int LINES_PER_SECOND = 100;
    private static final int CHUNK = 8192;

    private final ConnectionLog log;
    private final String service;
    private final long pid;
    private final byte[] line = new byte[MOST_LINE];
    private int length;
    /** The rest of a line already logged cut: skipped up to its end. */
    private boolean skipping;
    private long second = Long.MIN_VALUE;
    private int logged;
    private long unlogged;

    public StderrLines(ConnectionLog log, String service, long pid) {
        this.log = log;
        this.service = service;
        this.pid = pid;
    }

    /** What the program wrote next. */
    void feed(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (!skipping) {
                    emit(false);
                }
                skipping = false;
                length = 0;
            } else if (!skipping) {
                if (length == MOST_LINE) {
                    emit(true);
                    skipping = true;
                    length = 0;
                } else {
                    line[length++] = b;
                }
            }
        }
    }

    /** The program closed its stderr: what is left of a line, and the count of lines not logged. */
    void end() {
        if (length > 0 && !skipping) {
            emit(false);
        }
        length = 0;
        skipping = false;
        flushUnlogged();
    }

    private void emit(boolean cut) {
        long now = System.nanoTime() / 1_000_000_000L;
        if (now != second) {
            flushUnlogged();
            second = now;
            logged = 0;
        }
        if (logged >= LINES_PER_SECOND) {
            unlogged++;
            return;
        }
        logged++;
        var text = new String(line, 0, length, StandardCharsets.UTF_8);
        log.stderr(service, pid, cut ? text + " [cut at " + MOST_LINE + " bytes]" : text);
    }

    private void flushUnlogged() {
        if (unlogged > 0) {
            log.stderrUnlogged(service, pid, unlogged);
            unlogged = 0;
        }
    }

    /** Starts a virtual thread that copies {@code stderr} until the program closes it. */
    static Thread follow(ConnectionLog log, String service, long pid, InputStream stderr) {
        var lines = new StderrLines(log, service, pid);
        return Thread.ofVirtual().name(service + "-stderr").start(() -> {
            var bytes = new byte[CHUNK];
            try (stderr) {
                for (int n; (n = stderr.read(bytes)) >= 0; ) {
                    lines.feed(bytes, 0, n);
                }
            } catch (IOException e) {
                // The program closed its stderr or died: nothing more to log.
            } finally {
                lines.end();
            }
        });
    }
}
