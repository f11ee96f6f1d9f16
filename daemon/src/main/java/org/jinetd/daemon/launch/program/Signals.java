package org.jinetd.daemon.launch.program;

import java.util.List;

/** Signal numbers as Linux names them, for the log. */
public final class Signals {
    private static final List<String> NAMES = List.of("0", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS",
            "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP",
            "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    private Signals() {}

    public static String name(int number) {
        return number > 0 && number < NAMES.size() ? NAMES.get(number) : Integer.toString(number);
    }
}
