package org.jinetd.daemon.config;

import java.util.Objects;

/**
 * The account a program runs as, resolved when the table is loaded.
 *
 * @param user     the user's name
 * @param uid      its uid
 * @param group    the group's name
 * @param gid      its gid
 * @param home     the user's home directory, for {@code HOME}
 * @param shell    the user's login shell, for {@code SHELL}
 * @param switches whether the daemon must change uid/gid to start it (the daemon is another user)
 */
public record RunAs(String user, int uid, String group, int gid, String home, String shell, boolean switches) {
    public RunAs {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(shell, "shell");
    }
}
