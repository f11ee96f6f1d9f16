package org.jinetd.daemon.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code jinetd}'s exit status means; each code means one thing. The one place where
 * the codes are said in words: {@code --help} of the command and of each subcommand, and
 * the man page, list them from here.
 */
final class ExitCodes {
    static final int OK = 0;
    /** The service table has problems; each was printed with FILE:LINE:COLUMN. */
    static final int BAD_TABLE = 1;
    /** The command line was wrong (picocli's usage code). */
    static final int USAGE = 2;
    /** The table is good but the daemon could not start: a port could not be bound. */
    static final int CANNOT_START = 3;
    /** No daemon answers on the control socket, or none the command line believes (status, reload, stop). */
    static final int NOT_RUNNING = 4;
    /** The launcher ({@code bin/jinetd}) found no Java 25 or later; no Java code ran (sysexits' EX_UNAVAILABLE). */
    static final int NO_JAVA = 69;
    /** A bug: an exception nobody expected. */
    static final int SOFTWARE = 70;
    /** The daemon refused the request: only its own user or root may reload or stop it (sysexits' EX_NOPERM). */
    static final int NOT_ALLOWED = 77;

    private static final String INTERNAL = "internal error (a bug: the stack trace is printed)";
    private static final String USAGE_WORDS = "bad command line (an unknown option, a missing argument)";
    private static final String PROBLEMS = "the table has problems, each printed as FILE:LINE:COLUMN";

    private ExitCodes() {}

    /** Every code of the command, for {@code jinetd --help} and the man page. */
    static Map<String, String> all() {
        return list(
                OK, "success",
                BAD_TABLE, "the service table has problems, each printed as FILE:LINE:COLUMN (run, check, list, "
                        + "reload, import)",
                USAGE, USAGE_WORDS + "; import: OUT is the main table (add --replace to overwrite it)",
                CANNOT_START, "the table is good but a port could not be bound (run: nothing started; reload: the "
                        + "rest applied)",
                NOT_RUNNING, "no daemon answers on the control socket, or the one that answers runs as neither root "
                        + "nor this user (status, reload, stop)",
                NO_JAVA, "the launcher found no Java 25 or later (it says where it looked)",
                SOFTWARE, INTERNAL + "; stop: the daemon said it stopped, but its process stayed",
                NOT_ALLOWED, "reload or stop refused: only the daemon's user or root may");
    }

    /** The codes {@code command} returns, each in that command's words. */
    static Map<String, String> of(String command) {
        return switch (command) {
            case "run" -> list(
                    OK, "stopped by SIGTERM, SIGINT or 'jinetd stop', after draining",
                    BAD_TABLE, PROBLEMS + "; nothing was started",
                    USAGE, USAGE_WORDS,
                    CANNOT_START, "a port could not be bound (each failing service is named); nothing was started",
                    SOFTWARE, INTERNAL);
            case "check" -> list(
                    OK, "the table is good; what it would serve is printed",
                    BAD_TABLE, PROBLEMS + " (an unreadable file too)",
                    USAGE, USAGE_WORDS,
                    SOFTWARE, INTERNAL);
            case "list" -> list(
                    OK, "the services are printed",
                    BAD_TABLE, PROBLEMS,
                    USAGE, USAGE_WORDS,
                    SOFTWARE, INTERNAL);
            case "status" -> list(
                    OK, "the report is printed",
                    USAGE, USAGE_WORDS + ", or no such SERVICE in the running table",
                    NOT_RUNNING, "no daemon answers on the control socket, or the one that answers runs as neither "
                            + "root nor this user (it is then not asked)",
                    SOFTWARE, INTERNAL);
            case "reload" -> list(
                    OK, "the new table is served",
                    BAD_TABLE, "the new table has problems, each printed as FILE:LINE:COLUMN; the daemon goes on "
                            + "with the table it had",
                    USAGE, USAGE_WORDS,
                    CANNOT_START, "some new service could not listen (it is named); the rest applied",
                    NOT_RUNNING, "no daemon answers on the control socket, or the one that answers runs as neither "
                            + "root nor this user (it is then not asked)",
                    SOFTWARE, INTERNAL,
                    NOT_ALLOWED, "the daemon refuses this user: only its own user or root may reload it");
            case "stop" -> list(
                    OK, "the daemon has stopped and its process has exited",
                    USAGE, USAGE_WORDS,
                    NOT_RUNNING, "no daemon answers on the control socket, or the one that answers runs as neither "
                            + "root nor this user (it is then not asked)",
                    SOFTWARE, "the daemon said it stopped, but its process was still there 10 seconds later; or "
                            + INTERNAL,
                    NOT_ALLOWED, "the daemon refuses this user: only its own user or root may stop it");
            case "import" -> list(
                    OK, "the table is written and passes 'jinetd check'",
                    BAD_TABLE, "the table is written but fails 'jinetd check' (each problem printed), or FILE "
                            + "cannot be read, or OUT cannot be written",
                    USAGE, USAGE_WORDS + ", or OUT is the main table and --replace is not given (nothing is written)",
                    SOFTWARE, INTERNAL);
            default -> Map.of();
        };
    }

    /** Code, words, code, words...: in that order. */
    private static Map<String, String> list(Object... pairs) {
        var out = new LinkedHashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(Integer.toString((Integer) pairs[i]), (String) pairs[i + 1]);
        }
        return out;
    }
}
