package org.jinetd.daemon.os;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.Channel;
import java.util.Optional;

/**
 * The file descriptor behind a JDK channel. The JDK keeps it in {@code sun.nio.ch}, which
 * the launcher and the jar manifest export to jinetd ({@code --add-exports java.base/sun.nio.ch}).
 */
public final class Fds {
    /** {@code SelChImpl.getFDVal()} as {@code (Channel) int}; a handle, as it is asked on every spawn and reply. */
    private static final MethodHandle FD_VAL = lookup();

    private Fds() {}

    private static MethodHandle lookup() {
        try {
            var method = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            return MethodHandles.lookup().unreflect(method).asType(MethodType.methodType(int.class, Channel.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Why descriptors cannot be had, or empty when they can. */
    public static Optional<String> unavailable() {
        if (!Object.class.getModule().isExported("sun.nio.ch", Fds.class.getModule())) {
            return Optional.of("java.base does not export sun.nio.ch to jinetd "
                    + "(start it with --add-exports=java.base/sun.nio.ch=ALL-UNNAMED, as bin/jinetd does)");
        }
        if (FD_VAL == null) {
            return Optional.of("this JDK has no sun.nio.ch.SelChImpl.getFDVal()");
        }
        return Optional.empty();
    }

    public static int of(Channel channel) {
        try {
            return (int) FD_VAL.invokeExact(channel);
        } catch (Throwable e) {
            throw new IllegalStateException("no descriptor for " + channel, e);
        }
    }
}
