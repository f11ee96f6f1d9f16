package org.jinetd.daemon.config;

import java.util.Locale;

/** The {@code protocol:} of a service. */
public enum Transport {
    TCP, UDP, UNIX;

    /** As written in the table. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Streams of bytes (a connection per client) rather than datagrams. */
    public boolean streams() {
        return this != UDP;
    }
}
