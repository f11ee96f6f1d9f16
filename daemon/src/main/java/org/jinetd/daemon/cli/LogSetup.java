package org.jinetd.daemon.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jinetd.daemon.log.JournalStream;

/**
 * Settings of the log provider (slf4j-simple), made before the first logger exists: plain
 * lines on stderr; under systemd, when stderr is the journal's stream, no timestamp
 * (journald adds its own) and each line's priority in front of it.
 */
final class LogSetup {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private LogSetup() {}

    static void configure(Map<String, String> environment) {
        var underJournal = JournalStream.isStderr(environment);
        if (underJournal) {
            System.setErr(new PrintStream(new JournalStream(new BufferedOutputStream(
                    new FileOutputStream(FileDescriptor.err), 8192)), true, StandardCharsets.UTF_8));
        }
        setIfAbsent("logFile", "System.err");
        setIfAbsent("cacheOutputStream", "true");
        setIfAbsent("showDateTime", Boolean.toString(!underJournal));
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showLogName", "false");
        setIfAbsent("showShortLogName", "false");
        setIfAbsent("defaultLogLevel", "info");
        // The daemon's own lines (ready, reload, stop) stay; the per-connection ones follow the variable.
        setIfAbsent("log.jinetd.connection", environment.getOrDefault("JINETD_LOG_LEVEL", "info"));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
