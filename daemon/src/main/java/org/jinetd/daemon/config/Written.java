package org.jinetd.daemon.config;

import java.util.List;
import java.util.Map;

/**
 * A service as written: its name's place, its keys over those of {@code defaults:}, and
 * which keys it wrote itself.
 */
record Written(Node.Key key, Map<String, Node.Entry> merged, List<String> own) {
    Written {
        merged = Map.copyOf(merged);
        own = List.copyOf(own);
    }

    Node.Entry entry(String name) {
        return merged.get(name);
    }

    /** Did the service write this key itself (rather than take it from defaults)? */
    boolean writes(String name) {
        return own.contains(name);
    }

    String name() {
        return key.name();
    }
}
