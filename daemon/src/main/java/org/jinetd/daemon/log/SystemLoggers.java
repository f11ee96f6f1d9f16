package org.jinetd.daemon.log;

import java.text.MessageFormat;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link System.Logger} of this JVM, into the daemon's log: handlers log through the
 * JDK's own API, and their lines land where the daemon's do. The JDK finds this class with
 * the system class loader, through {@code META-INF/services/java.lang.System$LoggerFinder}.
 *
 * <ul>
 * <li>A line logged while a handler serves a connection or a datagram (its {@link HandlerScope}
 * is bound) goes to that daemon's connection log with the service and the client,
 * {@code service=reverse peer=127.0.0.1:50514 logger=org.example.Reverse log="reversed 3 lines"},
 * at most {@value ConnectionLog#HANDLER_LINES_PER_SECOND} a second per service.</li>
 * <li>One logged by a plugin outside any connection (a thread of its own, its provider as the
 * table is read) goes to {@code jinetd.handler} as {@code service=- logger=NAME log="..."},
 * at most {@value #OUTSIDE_PER_SECOND} a second in all.</li>
 * <li>The JDK's own loggers (those of named modules) keep their names, and their lines are
 * {@code logger=NAME log="..."} as a handler's are.</li>
 * </ul>
 * Past those rates lines are counted, not kept: a handler that logs in a loop costs neither
 * memory nor more than one line a second for the rest.
 */
public final class SystemLoggers extends System.LoggerFinder {
    static final int OUTSIDE_PER_SECOND = 100;

    /** Plugins' lines outside any connection: one kind, whatever the logger. */
    private final Throttle outsideLines = new Throttle(OUTSIDE_PER_SECOND,
            (kind, n) -> outside().warn("service=- log_unlogged=" + n));
    /**
     * {@code jinetd.handler}, made at its first line: the JDK may ask for a logger before the
     * command line has set logging up, and SLF4J reads its settings at its first logger.
     */
    private volatile Logger outside;

    /** Made by the JDK, once, when the first System.Logger is asked for. */
    public SystemLoggers() {
        // Nothing to set up: each logger finds its way at each line.
    }

    private Logger outside() {
        var logger = outside;
        if (logger == null) {
            logger = LoggerFactory.getLogger("jinetd.handler");
            outside = logger;
        }
        return logger;
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new Line(String.valueOf(name), module != null && module.isNamed());
    }

    /** Whether {@code logger} writes lines at {@code level}. */
    static boolean enabled(Logger logger, System.Logger.Level level) {
        return switch (level) {
            case ALL, TRACE -> logger.isTraceEnabled();
            case DEBUG -> logger.isDebugEnabled();
            case INFO -> logger.isInfoEnabled();
            case WARNING -> logger.isWarnEnabled();
            case ERROR -> logger.isErrorEnabled();
            case OFF -> false;
        };
    }

    /** Writes {@code line} to {@code logger} at {@code level}. */
    static void write(Logger logger, System.Logger.Level level, String line) {
        switch (level) {
            case ALL, TRACE -> logger.trace(line);
            case DEBUG -> logger.debug(line);
            case INFO -> logger.info(line);
            case WARNING -> logger.warn(line);
            case ERROR -> logger.error(line);
            case OFF -> { }
        }
    }

    /** One System.Logger: where its lines go is decided at each line, by the thread that logs it. */
    private final class Line implements System.Logger {
        private final String name;
        /** A logger of a named module: the JDK's own. */
        private final boolean jdk;
        /** SLF4J's logger of the same name, for the JDK's: made at its first line, once logging is set up. */
        private volatile Logger own;

        Line(String name, boolean jdk) {
            this.name = name;
            this.jdk = jdk;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            var scope = HandlerScope.current();
            if (scope.isPresent()) {
                return scope.get().log().handlerLogs(level);
            }
            return enabled(jdk ? own() : outside(), level);
        }

        @Override
        public void log(Level level, Supplier<String> text) {
            line(level, text, null);
        }

        @Override
        public void log(Level level, Supplier<String> text, Throwable thrown) {
            line(level, text, thrown);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String text, Throwable thrown) {
            line(level, () -> localized(bundle, text), thrown);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            line(level, () -> formatted(localized(bundle, format), params), null);
        }

        private void line(Level level, Supplier<String> text, Throwable thrown) {
            var scope = HandlerScope.current();
            if (scope.isPresent()) {
                var at = scope.get();
                at.log().handlerLine(at.service(), at.peer(), name, level, () -> safely(text), thrown);
            } else if (jdk) {
                var logger = own();
                if (enabled(logger, level)) {
                    // The JDK's words may carry a client's (a host name, a header): a value, never a field.
                    write(logger, level, "logger=" + LogText.quoted(name) + " log=" + LogText.quoted(safely(text))
                            + (thrown == null ? "" : " " + LogText.thrown(thrown)));
                }
            } else if (enabled(outside(), level) && outsideLines.admit("outside")) {
                write(outside(), level, "service=- logger=" + LogText.quoted(ConnectionLog.cut(name)) + " log="
                        + LogText.quoted(ConnectionLog.cut(safely(text)))
                        + (thrown == null ? "" : " exception=" + LogText.quoted(ConnectionLog.cut(LogText.describe(thrown)))));
            }
        }

        private Logger own() {
            var logger = own;
            if (logger == null) {
                logger = LoggerFactory.getLogger(name);
                own = logger;
            }
            return logger;
        }
    }

    /** The text, or what went wrong in making it: a handler's toString() may throw. */
    private static String safely(Supplier<String> text) {
        try {
            return String.valueOf(text.get());
        } catch (RuntimeException e) {
            return "(the message could not be made: " + e + ")";
        }
    }

    private static String localized(ResourceBundle bundle, String key) {
        if (bundle == null || key == null) {
            return key;
        }
        try {
            return bundle.getString(key);
        } catch (MissingResourceException | ClassCastException e) {
            return key;
        }
    }

    /** As the JDK's own console logger does: {@link MessageFormat} when there are parameters. */
    private static String formatted(String format, Object... params) {
        if (format == null || params == null || params.length == 0) {
            return format;
        }
        try {
            return MessageFormat.format(format, params);
        } catch (IllegalArgumentException e) {
            return format;
        }
    }
}
