package org.jinetd.daemon.config;

/**
 * Options of a service's sockets.
 *
 * @param backlog   the listen queue (the kernel caps it at net.core.somaxconn)
 * @param keepalive SO_KEEPALIVE on accepted connections
 * @param nodelay   TCP_NODELAY on accepted connections
 * @param v6only    IPV6_V6ONLY: an IPv6 wildcard takes IPv6 clients only
 * @param reuseport SO_REUSEPORT on the listening socket
 */
public record SocketOptions(int backlog, boolean keepalive, boolean nodelay, boolean v6only, boolean reuseport) {
    public static final SocketOptions DEFAULT = new SocketOptions(1024, false, false, false, false);
}
