package org.jinetd.daemon.os;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Listening sockets that systemd passed in (sd_listen_fds(3): LISTEN_PID, LISTEN_FDS, fds
 * from 3), as JDK channels, so that an unprivileged daemon can serve a privileged port.
 * The JDK turns only fd 0 into a channel ({@code System.inheritedChannel()}); for the rest
 * its own constructors are used, which the launcher opens to jinetd
 * ({@code --add-opens java.base/sun.nio.ch}).
 */
public final class SystemdSockets {
    private static final int FIRST = 3;

    private SystemdSockets() {}

    /** The sockets passed to this process, or none when LISTEN_PID names another. */
    public static List<NetworkChannel> take(Map<String, String> environment) throws IOException {
        var pid = environment.get("LISTEN_PID");
        var count = environment.get("LISTEN_FDS");
        if (pid == null || count == null || !pid.equals(Long.toString(ProcessHandle.current().pid()))) {
            return List.of();
        }
        int n;
        try {
            n = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw new IOException("LISTEN_FDS=" + count + " is not a number");
        }
        var channels = new ArrayList<NetworkChannel>();
        for (int fd = FIRST; fd < FIRST + n; fd++) {
            channels.add(channel(fd));
        }
        return channels;
    }

    private static NetworkChannel channel(int fd) throws IOException {
        int domain;
        int type;
        boolean listening;
        try {
            domain = SocketCalls.intOption(fd, 1 /* SOL_SOCKET */, 39 /* SO_DOMAIN */);
            type = SocketCalls.intOption(fd, 1, 3 /* SO_TYPE */);
            listening = type == 1 && SocketCalls.intOption(fd, 1, 30 /* SO_ACCEPTCONN */) != 0;
        } catch (Libc.Failure e) {
            throw new IOException("fd " + fd + " from systemd is not a socket: " + e.getMessage());
        }
        ProtocolFamily family = switch (domain) {
            case 2 -> StandardProtocolFamily.INET;
            case 10 -> StandardProtocolFamily.INET6;
            case 1 -> StandardProtocolFamily.UNIX;
            default -> throw new IOException("fd " + fd + " from systemd is of address family " + domain);
        };
        var descriptor = newFd(fd);
        try {
            if (type == 1 && listening) {
                Constructor<?> make = Class.forName("sun.nio.ch.ServerSocketChannelImpl").getDeclaredConstructor(
                        SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, boolean.class);
                make.setAccessible(true);
                return (ServerSocketChannel) make.newInstance(SelectorProvider.provider(), family, descriptor, true);
            }
            if (type == 2 && family != StandardProtocolFamily.UNIX) {
                Constructor<?> make = Class.forName("sun.nio.ch.DatagramChannelImpl").getDeclaredConstructor(
                        SelectorProvider.class, FileDescriptor.class);
                make.setAccessible(true);
                return (DatagramChannel) make.newInstance(SelectorProvider.provider(), descriptor);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot take fd " + fd + " from systemd (start jinetd with "
                    + "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED, as bin/jinetd does): " + e, e);
        }
        throw new IOException("fd " + fd + " from systemd is neither a listening stream socket nor a datagram socket");
    }

    private static FileDescriptor newFd(int fd) throws IOException {
        try {
            return (FileDescriptor) Class.forName("sun.nio.ch.IOUtil").getMethod("newFD", int.class).invoke(null, fd);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot make a descriptor for fd " + fd + ": " + e, e);
        }
    }
}
