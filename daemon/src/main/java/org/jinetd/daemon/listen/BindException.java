package org.jinetd.daemon.listen;

/** A service could not listen; the message names the service, the address and the reason. */
public final class BindException extends Exception {
    private static final long serialVersionUID = 1L;

    public BindException(String message, Throwable cause) {
        super(message, cause);
    }
}
