package org.jinetd.daemon.config;

/**
 * How many connections a service takes at once.
 *
 * @param instances  live connections of the service ({@code instances:})
 * @param perSource  live connections from one client ({@code per_source:})
 * @param ipv4Prefix IPv4 clients in one prefix of this length count as one source
 * @param ipv6Prefix IPv6 clients in one prefix of this length count as one source (one
 *                   attacker usually has a whole /64)
 */
public record Limits(int instances, int perSource, int ipv4Prefix, int ipv6Prefix) {
    /** Written {@code unlimited}. */
    public static final int UNLIMITED = Integer.MAX_VALUE;
    public static final Limits DEFAULT = new Limits(64, UNLIMITED, 32, 64);

    public Limits {
        if (instances < 1 || perSource < 1) {
            throw new IllegalArgumentException("limits are at least 1");
        }
        if (ipv4Prefix < 0 || ipv4Prefix > 32 || ipv6Prefix < 0 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("prefix lengths are 0-32 and 0-128");
        }
    }
}
