package org.jinetd.handler;

/**
 * Who is at the other end of a unix-domain socket, as the kernel saw it when the client
 * connected (SO_PEERCRED).
 *
 * @param pid the client's process id
 * @param uid its user id
 * @param gid its group id
 */
public record PeerCredentials(long pid, int uid, int gid) {}
