package org.jinetd.daemon.config;

/**
 * How many connections a service takes at once.
 *
 * @param instances live connections of the service ({@code instances:})
 * @param perSource live connections from one peer ({@code per_source:})
 */
public record Limits(int instances, int perSource) {
    /** Written {@code unlimited}. */
    public static final int UNLIMITED = Integer.MAX_VALUE;
    public static final Limits DEFAULT = new Limits(64, UNLIMITED);

    public Limits {
        if (instances < 1 || perSource < 1) {
            throw new IllegalArgumentException("limits are at least 1");
        }
    }
}
