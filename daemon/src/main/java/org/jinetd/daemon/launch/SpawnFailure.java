package org.jinetd.daemon.launch;

/**
 * A program that could not be started, said after the request left: its spawner's error
 * ({@code errno}), or the end of the spawner itself ({@code errno} 0).
 */
final class SpawnFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int errno;

    SpawnFailure(String message, int errno) {
        super(message, null, false, false);
        this.errno = errno;
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
