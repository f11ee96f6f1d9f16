package org.jinetd.daemon.os;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * How the process ends once its work is done: at once. The JVM's own exit waits up to 300 ms
 * for every thread blocked in a native call to come back (HotSpot's VM_Exit); the JDK's I/O
 * pollers wait in epoll_wait for as long as there is nothing to read, so a stopped daemon,
 * and every command, would linger that long after it has finished.
 */
public final class Exit {
    private static final class Call {
        static final MethodHandle EXIT = Libc.handle("_exit", FunctionDescriptor.ofVoid(JAVA_INT), false);
    }

    /**
     * Whether the C library has been linked. Until it is, no thread of this process sits in a
     * native call (the reaper's poll is one, and the JDK's pollers start only where a socket
     * or pipe is waited on, which only the daemon and the commands that talk to it do, and
     * both link it): the JVM's exit is then as quick, and linking _exit would cost a command
     * such as {@code check} a tenth of its time (25 ms).
     */
    static volatile boolean linked;

    private Exit() {}

    /**
     * Ends the process with {@code status} now, as _exit(2) does: no shutdown hook runs and no
     * buffer is flushed but by the caller, who has closed and flushed what it owns. A JVM that
     * records an AOT cache writes it as it exits, and one told to print its native memory at
     * exit prints it then, and so each exits its own way; so does one where the C library
     * cannot be called, or has not been linked (see {@link #linked}).
     */
    public static void now(int status) {
        if (linked && !exitsItsOwnWay()) {
            try {
                Call.EXIT.invokeExact(status);
            } catch (Throwable t) {
                // Not callable here: the JVM's way below.
            }
        }
        System.exit(status);
    }

    /**
     * Whether this JVM was started to record an AOT cache (the build's training runs), or to
     * print its native memory at exit (bench/memory.sh).
     */
    private static boolean exitsItsOwnWay() {
        return Arguments.ofThisProcess().map(arguments -> arguments.stream().anyMatch(a ->
                a.contains("-XX:AOTCacheOutput") || a.contains("-XX:AOTMode=record")
                        || a.contains("-XX:+PrintNMTStatistics"))).orElse(true);
    }
}
