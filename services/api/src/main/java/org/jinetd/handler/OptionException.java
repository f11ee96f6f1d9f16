package org.jinetd.handler;

import java.util.Objects;

/** A handler option that is missing, unknown or has a bad value. */
public final class OptionException extends Exception {
    @java.io.Serial
    private static final long serialVersionUID = 1L;
    /** The option's key as written, or null for the options as a whole. */
    private final String option;

    /**
     * A problem with one option, or with the options as a whole.
     *
     * @param option the option's key as written in the table, or {@code null} when the
     *               problem is with the options as a whole
     * @param message what is wrong, for example {@code "must be a number from 1 to 512"}
     */
    public OptionException(String option, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.option = option;
    }

    /** {@return the option's key, or {@code null} when the problem is with the options as a whole} */
    public String option() {
        return option;
    }
}
