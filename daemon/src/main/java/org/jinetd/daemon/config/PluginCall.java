package org.jinetd.daemon.config;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call into a plugin's code while a table is read (a provider's constructor, its
 * {@code name()}, {@code reply}, {@code stream} or {@code datagram}): on a virtual thread of
 * its own, with the plugin's jar as its context class loader, and a deadline. A provider
 * that never returns costs its jar a problem and leaves one blocked virtual thread; it does
 * not hang {@code check}, a start or a reload.
 */
final class PluginCall {
    /** How long a provider may take to answer. */
    static final Duration DEADLINE = Duration.ofSeconds(5);

    /** The call did not return in time; its thread is left behind, interrupted. */
    static final class Hung extends RuntimeException {
        Hung(String what) {
            super(what + " did not return within " + DEADLINE.toSeconds() + "s", null, false, false);
        }
    }

    /** Plugin code that may throw {@code E}. */
    interface Call<T, E extends Exception> {
        T call() throws E;
    }

    private PluginCall() {}

    /** What {@code call} returns or throws, unless it takes longer than {@link #DEADLINE}. */
    static <T, E extends Exception> T within(ClassLoader context, String what, Call<T, E> call) throws E {
        var result = new CompletableFuture<T>();
        var thread = Thread.ofVirtual().name("plugin-call").unstarted(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        thread.setContextClassLoader(context);
        thread.start();
        try {
            return result.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new Hung(what);
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new Hung(what);
        } catch (ExecutionException e) {
            throw PluginCall.<E>rethrown(e.getCause());
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrown(Throwable cause) throws E {
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return (E) cause;
    }
}
