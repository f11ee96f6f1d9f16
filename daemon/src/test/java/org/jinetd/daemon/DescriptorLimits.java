package org.jinetd.daemon;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

/**
 * This JVM's descriptors and its limit of open files, lowered for a moment by a test that
 * runs a step short of descriptors (EMFILE), and set back.
 */
public final class DescriptorLimits {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETRLIMIT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getrlimit").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("setrlimit").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final int RLIMIT_NOFILE = 7;

    private DescriptorLimits() {}

    /** The descriptors open now. */
    public static TreeSet<Integer> openFds() throws IOException {
        var fds = new TreeSet<Integer>();
        try (var listing = Files.list(Path.of("/proc/self/fd"))) {
            listing.forEach(p -> fds.add(Integer.parseInt(p.getFileName().toString())));
        }
        fds.removeIf(fd -> !Files.exists(Path.of("/proc/self/fd/" + fd)));
        return fds;
    }

    /** The lowest limit under which exactly {@code free} more descriptors can be opened. */
    public static long lowestWithFree(TreeSet<Integer> open, int free) {
        int limit = 0;
        for (int seen = 0; seen < free || open.contains(limit); limit++) {
            if (!open.contains(limit)) {
                seen++;
            }
        }
        return limit;
    }

    /** The soft and hard limits of open files. */
    public static long[] limits() throws Throwable {
        try (var arena = Arena.ofConfined()) {
            var limit = arena.allocate(16, 8);
            assertEquals(0, (int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, limit));
            return new long[] {limit.get(JAVA_LONG, 0), limit.get(JAVA_LONG, 8)};
        }
    }

    public static void setLimits(long soft, long hard) throws Throwable {
        try (var arena = Arena.ofConfined()) {
            var limit = arena.allocate(16, 8);
            limit.set(JAVA_LONG, 0, soft);
            limit.set(JAVA_LONG, 8, hard);
            assertEquals(0, (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, limit));
        }
    }
}
