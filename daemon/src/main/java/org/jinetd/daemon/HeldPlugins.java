package org.jinetd.daemon;

import java.util.ArrayList;
import org.jinetd.daemon.config.PluginJar;
import org.jinetd.daemon.config.ServiceTable;
import org.jinetd.daemon.log.ConnectionLog;

/**
 * The plugin jars of the tables a daemon serves: each table's are held from before any
 * listener takes it until every listener has moved on from it, so that a jar is never
 * closed under a connection, and one a new table no longer has is unloaded after its last.
 */
final class HeldPlugins {
    private HeldPlugins() {}

    /** The table's plugin jars are held while it is served, so that none is closed under it. */
    static void hold(ServiceTable table) {
        var held = new ArrayList<PluginJar>();
        for (var jar : table.plugins()) {
            if (!jar.hold()) {
                // Read with the table, and closed before it was applied: only a bug gets here.
                held.forEach(PluginJar::release);
                throw new IllegalStateException("plugin jar " + jar + " closed before its table was applied");
            }
            held.add(jar);
        }
    }

    /**
     * Lets go of the jars of the table served before. One that {@code next} does not have
     * changed or went from the plugin directory: its code is unloaded after its last
     * connection, and the log says how many are left, and when it is.
     */
    static void letGo(ServiceTable before, ServiceTable next, ConnectionLog log) {
        for (var jar : before.plugins()) {
            if (next.plugins().stream().noneMatch(j -> j == jar)) {
                jar.closed().thenRun(() -> log.note("plugins: %s as loaded before is unloaded".formatted(jar)));
                int live = jar.holders() - 1;
                if (live > 0) {
                    log.note("plugins: %s was replaced or removed; %d connection%s still on its old code"
                            .formatted(jar, live, live == 1 ? "" : "s"));
                }
            }
        }
        release(before);
    }

    static void release(ServiceTable table) {
        table.plugins().forEach(PluginJar::release);
    }
}
