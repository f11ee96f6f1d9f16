package org.jinetd.daemon.launch.program;

/**
 * A program that could not be started, said after the request left: its spawner's error
 * ({@code errno}), or the end of the spawner itself ({@code errno} 0).
 */
public final class SpawnFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int errno;

    public SpawnFailure(String message, int errno) {
        super(message, null, false, false);
        this.errno = errno;
    }

    @Override
    public String toString() {
        return getMessage();
    }

    /** The failure a CompletableFuture wrapped, or {@code failure} itself. */
    public static Throwable unwrapped(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }
}
