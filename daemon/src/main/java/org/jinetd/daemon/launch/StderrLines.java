package org.jinetd.daemon.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.jinetd.daemon.log.ConnectionLog;

/** A program's stderr, into the log a line at a time with its service and pid. */
final class StderrLines {
    private StderrLines() {}

    /** Starts a virtual thread that copies until the program closes its stderr. */
    static Thread follow(ConnectionLog log, String service, long pid, InputStream stderr) {
        return Thread.ofVirtual().name(service + "-stderr").start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    log.stderr(service, pid, line);
                }
            } catch (IOException e) {
                // The program closed its stderr or died: nothing more to log.
            }
        });
    }
}
