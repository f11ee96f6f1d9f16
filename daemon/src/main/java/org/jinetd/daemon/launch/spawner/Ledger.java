package org.jinetd.daemon.launch.spawner;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jinetd.daemon.launch.program.Children;
import org.jinetd.daemon.launch.program.Program;
import org.jinetd.daemon.launch.program.Programs;
import org.jinetd.daemon.launch.program.SpawnFailure;
import org.jinetd.daemon.launch.program.Watch;

/**
 * What the daemon has asked a spawner and not yet been answered, in order, and the programs
 * the spawner said it runs: each reply is checked against it, so that a spawner answers only
 * what it was asked, in the order asked, and ends only a program it said it started. Guarded
 * by its link's lock.
 */
final class Ledger {
    /** A request sent and not yet answered. */
    sealed interface Pending {
        int seq();

        long sent();
    }

    record Spawning(int seq, long sent, String service, int stderr, CompletableFuture<Program> result)
            implements Pending {}

    record Signalling(int seq, long sent, CompletableFuture<Boolean> result) implements Pending {}

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<Integer, Watch> running = new HashMap<>();
    private int seq;
    /** When it last had nothing to do: its idle spell starts there. */
    private long quietSince;

    Ledger(long started) {
        this.quietSince = started;
    }

    /** The number the next request goes by. */
    int next() {
        return seq;
    }

    /** A spawn request was sent. */
    CompletableFuture<Program> spawning(String service, int stderr) {
        var result = new CompletableFuture<Program>();
        pending.add(new Spawning(seq++, System.nanoTime(), service, stderr, result));
        return result;
    }

    /** A request to end a program was sent. */
    void signalling(CompletableFuture<Boolean> result) {
        pending.add(new Signalling(seq++, System.nanoTime(), result));
    }

    /** The spawn request that an answer numbered {@code answered} answers: the oldest, or null when it is not that one. */
    Spawning spawnAnswered(int answered) {
        if (pending.peek() instanceof Spawning asked && asked.seq() == answered) {
            pending.poll();
            return asked;
        }
        return null;
    }

    /** As {@link #spawnAnswered}, for a request to end a program. */
    Signalling endAnswered(int answered) {
        if (pending.peek() instanceof Signalling asked && asked.seq() == answered) {
            pending.poll();
            quiet();
            return asked;
        }
        return null;
    }

    boolean runs(int pid) {
        return running.containsKey(pid);
    }

    void started(int pid, Watch watch) {
        running.put(pid, watch);
    }

    /** The program {@code pid} has ended, as the spawner said: its watch, or null if it was not one of its. */
    Watch ended(int pid) {
        var watch = running.remove(pid);
        if (watch != null) {
            quiet();
        }
        return watch;
    }

    /** A spawn it could not make: nothing is left to wait for, maybe. */
    void failed() {
        quiet();
    }

    private void quiet() {
        if (pending.isEmpty() && running.isEmpty()) {
            quietSince = System.nanoTime();
        }
    }

    /** The oldest request not answered, or null. */
    Pending oldest() {
        return pending.peek();
    }

    boolean idle() {
        return pending.isEmpty() && running.isEmpty();
    }

    /** Programs started and not yet ended. */
    int programs() {
        return running.size();
    }

    boolean runsNothing() {
        return running.isEmpty();
    }

    long quietSince() {
        return quietSince;
    }

    /**
     * What an ended spawner leaves: every request it did not answer, and every program it said
     * it runs, all given up here.
     */
    Left drop() {
        var left = new Left(List.copyOf(pending), List.copyOf(running.values()));
        pending.clear();
        running.clear();
        return left;
    }

    /** The requests and programs of a spawner that has been ended. */
    record Left(List<Pending> asked, List<Watch> programs) {
        /**
         * Each request fails with {@code gone} (an end asked for was not sent: the spawner's end
         * ended the program), and each program's connection ends with it, giving back its place.
         */
        void fail(SpawnFailure gone, Children children) {
            for (var request : asked) {
                switch (request) {
                    case Spawning spawning -> {
                        Programs.closeQuietly(spawning.stderr());
                        spawning.result().completeExceptionally(gone);
                    }
                    case Signalling signalling -> signalling.result().complete(false);
                }
            }
            programs.forEach(program -> children.finish(program, null, gone));
        }
    }
}
