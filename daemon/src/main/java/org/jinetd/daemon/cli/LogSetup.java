package org.jinetd.daemon.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jinetd.daemon.log.LogOutput;
import org.jinetd.daemon.log.LogText;
import org.jinetd.daemon.os.AppendFile;
import org.slf4j.LoggerFactory;

/**
 * The log provider (slf4j-simple), set up before the first logger exists: it writes each
 * entry, level word first, to a {@link LogOutput}, which adds the time or the priority and
 * sends it where the table says (stderr until then). The rest of stderr goes through the
 * same output a line at a time, so that the control commands keep writing to stderr. No
 * throwable is given to the provider, which would print its trace as lines of their own: the
 * daemon writes it as a quoted value ({@link LogText#thrown}).
 */
final class LogSetup {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    /** Where the journal's socket is looked for; a test points it at a socket of its own. */
    private static final String JOURNAL_SOCKET = "jinetd.journal.socket";
    /** Where the syslog daemon's is, likewise. */
    private static final String SYSLOG_SOCKET = "jinetd.syslog.socket";

    private LogSetup() {}

    static LogOutput configure(Map<String, String> environment) {
        // What LogOutput reads: the level word first, nothing before it; the time is its to add.
        System.setProperty(PREFIX + "logFile", "System.err");
        System.setProperty(PREFIX + "cacheOutputStream", "true");
        System.setProperty(PREFIX + "showDateTime", "false");
        System.setProperty(PREFIX + "showThreadName", "false");
        System.setProperty(PREFIX + "showLogName", "false");
        System.setProperty(PREFIX + "showShortLogName", "false");
        System.setProperty(PREFIX + "levelInBrackets", "false");
        setIfAbsent("defaultLogLevel", "info");
        // The daemon's own lines (ready, reload, stop) stay; the per-connection ones follow the variable.
        setIfAbsent("log.jinetd.connection", environment.getOrDefault("JINETD_LOG_LEVEL", "info"));

        var output = new LogOutput(new FileOutputStream(FileDescriptor.err), LogOutput.stderrIsJournal(environment),
                System.getProperty(JOURNAL_SOCKET, LogOutput.journalSocket()),
                System.getProperty(SYSLOG_SOCKET, LogOutput.syslogSocket()),
                new com.sun.security.auth.module.UnixSystem().getUid() == 0 ? 0 : AppendFile.ANY);
        // slf4j-simple keeps the System.err it finds when it starts (cacheOutputStream), and
        // flushes after each entry: that stream ends an entry at each flush.
        System.setErr(new PrintStream(output.entries(), false, StandardCharsets.UTF_8));
        LoggerFactory.getILoggerFactory();
        System.setErr(new PrintStream(output.lines(), true, StandardCharsets.UTF_8));
        // Stderr is the log's, where no control character passes: a command's colours would show
        // as \x1b[31m there. picocli writes plain text (-Dpicocli.ansi=true brings them back).
        if (System.getProperty("picocli.ansi") == null) {
            System.setProperty("picocli.ansi", "false");
        }
        // A thread that dies (a plugin's own, say) is one entry with its trace quoted, not the
        // JVM's lines on stderr, each an entry, the exception's message among them as it is.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> LoggerFactory.getLogger("jinetd").error(
                "thread {} died: {}", LogText.quoted(thread.getName()), LogText.thrown(e)));
        return output;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
