package org.jinetd.daemon.os;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.Channel;
import java.util.Optional;

/**
 * The file descriptor behind a JDK channel. The JDK keeps it in {@code sun.nio.ch}, which
 * the launcher and the jar manifest export to jinetd ({@code --add-exports java.base/sun.nio.ch}).
 */
public final class Fds {
    private static final Method FD_VAL = lookup();

    private Fds() {}

    private static Method lookup() {
        try {
            return Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** Why descriptors cannot be had, or empty when they can. */
    public static Optional<String> unavailable() {
        if (FD_VAL == null) {
            return Optional.of("this JDK has no sun.nio.ch.SelChImpl");
        }
        if (!Object.class.getModule().isExported("sun.nio.ch", Fds.class.getModule())) {
            return Optional.of("java.base does not export sun.nio.ch to jinetd "
                    + "(start it with --add-exports=java.base/sun.nio.ch=ALL-UNNAMED, as bin/jinetd does)");
        }
        return Optional.empty();
    }

    public static int of(Channel channel) {
        try {
            return (int) FD_VAL.invoke(channel);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("no descriptor for " + channel, e);
        }
    }
}
