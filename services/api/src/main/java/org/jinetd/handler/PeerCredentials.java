package org.jinetd.handler;

/**
 * Who is at the other end of a unix-domain socket, as the kernel saw it when the client
 * connected (SO_PEERCRED).
 */
public record PeerCredentials(long pid, int uid, int gid) {}
