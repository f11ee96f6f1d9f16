package org.jinetd.daemon.launch.program;

import java.util.Optional;
import java.util.function.Consumer;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.Processes;

/**
 * What every program of this daemon gets besides what its service asks for: the soft limit
 * of open files the daemon was started with ({@code 1024}, {@code unlimited}), which the
 * launcher reads ({@code ulimit -Sn}) into {@value #PROPERTY}. A program that uses select()
 * breaks above 1024.
 *
 * <p>The launcher keeps the JVM from raising its soft limit to the hard one as it starts
 * ({@code -XX:-MaxFDLimit}), so that the programs the daemon spawns get the limit with no
 * wrapper, as xinetd's do. The daemon raises its own soft limit to the hard one, once, when
 * its descriptors come near the limit ({@link #opened}), or when one fails to open for want
 * of a number ({@link #raise}); from then on, its programs get the limit back through
 * {@code prlimit}. A spawner's JVM raises its own as it starts, and sets the limit around
 * each spawn ({@link #forSpawners}).
 */
public final class Setup {
    static final String PROPERTY = "jinetd.nofile";

    private final Optional<String> started;
    private final Optional<String> forSpawners;
    /** The soft limit programs get: the started one, or without the launcher the daemon's own. */
    private final long programLimit;
    private final long hard;
    /** A descriptor number from which the soft limit is raised; never, where there is nothing to raise. */
    private final long threshold;
    private final Consumer<String> say;
    private volatile boolean raised;

    Setup(Optional<String> started, long soft, long hard, Consumer<String> say) {
        this.started = started;
        this.hard = hard;
        this.say = say;
        long limit = started.map(s -> s.equals("unlimited") ? Processes.UNLIMITED : Long.parseLong(s))
                .orElse(soft);
        this.programLimit = limit;
        // The JVM raised it already (JINETD_JAVA_OPTS=-XX:+MaxFDLimit, say): give it back from the start.
        this.raised = started.isPresent() && limit != soft;
        boolean raisable = started.isPresent() && !raised && soft != Processes.UNLIMITED
                && (hard == Processes.UNLIMITED || soft < hard);
        this.threshold = raisable ? soft - Math.max(soft / 4, Math.min(32, soft / 2)) : Long.MAX_VALUE;
        this.forSpawners = started.isPresent() && limit != hard ? started : Optional.empty();
    }

    /** Nothing to give back: for a daemon started without the launcher, and for tests. */
    public static Setup none() {
        return new Setup(Optional.empty(), 0, 0, line -> { });
    }

    /** This daemon's: from {@value #PROPERTY}, as the launcher set it; {@code say} hears of a raise. */
    public static Setup ofThisDaemon(Consumer<String> say) {
        var started = valid(System.getProperty(PROPERTY));
        long[] limits;
        try {
            limits = Processes.openFiles();
        } catch (Libc.Failure | LinkageError | RuntimeException e) {
            // Not known: give it back to every program, which is right in either case.
            return new Setup(started, -2, -2, say);
        }
        return new Setup(started, limits[0], limits[1], say);
    }

    /** Links getrlimit and setrlimit, without changing anything. */
    public static void link() {
        try {
            Processes.openFiles();
        } catch (Libc.Failure | LinkageError | RuntimeException e) {
            // Reported where it is needed.
        }
    }

    static Optional<String> valid(String started) {
        return started != null && started.matches("unlimited|[0-9]{1,18}") ? Optional.of(started) : Optional.empty();
    }

    /** The soft limit a program the daemon spawns itself gets back, where the daemon's own is not that one now. */
    public Optional<String> openFiles() {
        return raised ? started : Optional.empty();
    }

    /** The soft limit a spawner sets around each spawn, where its JVM's own (raised to the hard one) is not that one. */
    public Optional<String> forSpawners() {
        return forSpawners;
    }

    /**
     * The most descriptors this daemon may come to hold: the hard limit where it may still
     * raise the soft one, else the soft one; {@link Processes#UNLIMITED} where unlimited or not known.
     */
    public long reachable() {
        if (threshold != Long.MAX_VALUE && !raised) {
            return hard;
        }
        try {
            return Processes.openFiles()[0];
        } catch (Libc.Failure | LinkageError | RuntimeException e) {
            return Processes.UNLIMITED;
        }
    }

    /** As {@link #opened(int)}, for a channel the JDK opened. */
    public void opened(java.nio.channels.Channel channel) {
        if (threshold == Long.MAX_VALUE || raised) {
            return;
        }
        try {
            opened(org.jinetd.daemon.os.Fds.of(channel));
        } catch (IllegalStateException e) {
            // No number to read (no access to the JDK's): the first EMFILE raises it instead.
        }
    }

    /**
     * The daemon has just opened descriptor {@code fd}: numbers are given lowest first, so
     * it holds at least that many. Near the soft limit, the soft limit is raised.
     */
    public void opened(int fd) {
        if (fd >= threshold && !raised) {
            raise();
        }
    }

    /**
     * The soft limit of open files the daemon's programs get: the one the launcher started it
     * with, or, without the launcher, the daemon's own; {@link Processes#UNLIMITED} for unlimited.
     */
    public long programLimit() {
        return programLimit;
    }

    /** The descriptor number from which the daemon will raise its soft limit; empty where it will not (any more). */
    public java.util.OptionalLong raisesAt() {
        return threshold == Long.MAX_VALUE || raised ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(threshold);
    }

    /** Whether the soft limit was raised (or tried to be): a descriptor that failed for want of a number may be tried again once. */
    public boolean raised() {
        return raised && threshold != Long.MAX_VALUE;
    }

    /**
     * Raises the soft limit to the hard one, where it was not raised yet.
     *
     * @return whether it was raised now: a descriptor that failed to open for want of a
     *         number (EMFILE) may be opened again at once
     */
    public synchronized boolean raise() {
        if (raised || threshold == Long.MAX_VALUE) {
            return false;
        }
        // Before the raise: a program spawned meanwhile gets the launcher's limit back, as every
        // one after, whatever comes of it.
        raised = true;
        try {
            var limits = Processes.openFiles();
            Processes.openFiles(limits[1], limits[1]);
        } catch (Libc.Failure | LinkageError | RuntimeException e) {
            say.accept("open files: cannot raise the soft limit to the hard one: " + e.getMessage());
            return false;
        }
        say.accept("open files: the daemon's descriptors came near its soft limit of " + started.orElseThrow()
                + ", raised to the hard one (" + (hard == Processes.UNLIMITED ? "unlimited" : Long.toString(hard))
                + "); programs get " + started.orElseThrow() + " back through prlimit from now on");
        return true;
    }
}
