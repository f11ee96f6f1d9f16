package org.jinetd.daemon.cli;

import java.util.Map;

/**
 * Settings of the log provider (slf4j-simple), made before the first logger exists: plain
 * lines on stderr; no timestamp under systemd, where journald adds its own.
 */
final class LogSetup {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private LogSetup() {}

    static void configure(Map<String, String> environment) {
        var underJournal = environment.containsKey("JOURNAL_STREAM");
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
