package org.jinetd.daemon.launch;

import org.jinetd.daemon.config.Launch;
import org.jinetd.daemon.log.ConnectionLog;

/**
 * What the service launches: a handler in the JVM, a program (the socket itself as its stdin
 * and stdout, or pipes), or a redirect. Two of them need no thread of the connection's own:
 * a reply known at accept is sent without waiting, and a program that gets the socket is
 * spawned at once and watched by the reaper; they run on the listener's thread, as inetd
 * forks in its loop, when nothing before them had to wait.
 */
final class Start implements Step {
    private final Way way;
    private final Handle handle;
    private final Spawner spawner;

    Start(Way way, ConnectionLog log, Spawner spawner) {
        this.way = way;
        this.handle = new Handle(way, log);
        this.spawner = spawner;
    }

    @Override
    public boolean waits(Passage passage) {
        return switch (passage.service().launch()) {
            case Launch.Stream stream -> !handle.repliesAtOnce(passage, stream);
            case Launch.Exec exec -> !spawner.spawnsAtOnce(exec) || passage.service().tls().isPresent();
            case Launch.Redirect _, Launch.Datagrams _ -> true;
        };
    }

    @Override
    public boolean pass(Passage passage) {
        switch (passage.service().launch()) {
            case Launch.Stream stream -> {
                if (handle.repliesAtOnce(passage, stream)) {
                    handle.reply(passage, stream, stream.reply().orElseThrow());
                } else {
                    handle.stream(passage, stream);
                }
            }
            case Launch.Exec exec -> spawner.serve(passage, exec, way.live(passage));
            case Launch.Redirect redirect -> Redirect.serve(passage, redirect, way.live(passage));
            case Launch.Datagrams _ -> throw new IllegalStateException("a datagram handler on a stream service");
        }
        return false;
    }
}
