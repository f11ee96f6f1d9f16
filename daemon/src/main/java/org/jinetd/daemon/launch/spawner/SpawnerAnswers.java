package org.jinetd.daemon.launch.spawner;

import java.util.List;
import java.util.OptionalInt;
import org.jinetd.daemon.launch.program.Children;
import org.jinetd.daemon.launch.program.Exit;
import org.jinetd.daemon.launch.program.Program;
import org.jinetd.daemon.launch.program.Programs;
import org.jinetd.daemon.launch.program.SpawnFailure;
import org.jinetd.daemon.launch.program.StderrLines;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Libc;

/**
 * What a spawner says, read off its socket ({@link SpawnerReplies}) and checked against what
 * it was asked ({@link Ledger}): a program it started is followed by the reaper from then on,
 * one it says ended is finished, and a request it answered completes. The first thing that
 * does not fit is what is wrong with it, and nothing after it is read. Used under its link's
 * lock, on the reaper thread.
 */
final class SpawnerAnswers {
    /**
     * What came of reading all there is now.
     *
     * @param closed  the spawner closed its end of the socket
     * @param failure what is wrong with what it said, or null
     */
    record Heard(boolean closed, String failure) {}

    private final SpawnerLink link;
    private final SpawnerReplies replies;
    private final Ledger ledger;
    private final Children children;
    private final ConnectionLog log;

    SpawnerAnswers(SpawnerLink link, int socket, Ledger ledger, Children children, ConnectionLog log) {
        this.link = link;
        this.replies = new SpawnerReplies(socket);
        this.ledger = ledger;
        this.children = children;
        this.log = log;
    }

    /**
     * Reads and takes every reply there is now, without waiting; what they complete goes into
     * {@code done}, to be run outside the lock.
     */
    Heard readNow(List<Runnable> done) {
        String failure = null;
        boolean closed = false;
        while (failure == null && !closed) {
            var read = replies.next();
            if (read == null) {
                break;
            }
            for (var reply : read.replies()) {
                failure = failure != null ? failure : take(reply, done);
            }
            failure = failure != null ? failure : read.failure();
            closed = read.closed();
        }
        return new Heard(closed, failure);
    }

    /** Takes one reply. Returns what is wrong, or null. */
    private String take(SpawnWire.Reply reply, List<Runnable> done) {
        switch (reply) {
            case SpawnWire.Hello hello -> {
                return link.hello(hello, done);
            }
            case SpawnWire.Spawned spawned -> {
                if (ledger.runs(spawned.pid())) {
                    return "gave pid " + spawned.pid() + " to two programs";
                }
                var asked = link.saidReady() ? ledger.spawnAnswered(spawned.seq()) : null;
                if (asked == null) {
                    return "answered request " + spawned.seq() + ", which was not the one asked";
                }
                int program = spawned.pid();
                var watch = children.follow(program, asked.stderr(),
                        asked.stderr() < 0 ? null : new StderrLines(log, asked.service(), program));
                ledger.started(program, watch);
                var started = new Program(program, watch, grace -> link.end(program, grace));
                done.add(() -> asked.result().complete(started));
            }
            case SpawnWire.Failed failed -> {
                var asked = link.saidReady() ? ledger.spawnAnswered(failed.seq()) : null;
                if (asked == null) {
                    return "answered request " + failed.seq() + ", which was not the one asked";
                }
                Programs.closeQuietly(asked.stderr());
                var why = new SpawnFailure("posix_spawn: " + Libc.describe(failed.errno()), failed.errno());
                done.add(() -> asked.result().completeExceptionally(why));
                ledger.failed();
            }
            case SpawnWire.Exited exited -> {
                var watch = ledger.ended(exited.pid());
                if (watch == null) {
                    return "said pid " + exited.pid() + " ended, which it was not running";
                }
                children.finish(watch, new Exit(exited.pid(),
                        exited.exited() ? OptionalInt.of(exited.value()) : OptionalInt.empty(),
                        exited.exited() ? OptionalInt.empty() : OptionalInt.of(exited.value())), null);
            }
            case SpawnWire.Ended ended -> {
                var asked = ledger.endAnswered(ended.seq());
                if (asked == null) {
                    return "answered request " + ended.seq() + ", which was not the one asked";
                }
                done.add(() -> asked.result().complete(ended.errno() == 0));
            }
        }
        return null;
    }
}
