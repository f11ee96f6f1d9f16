package org.jinetd.daemon.tls;

import java.util.Locale;

/**
 * Why a client's handshake failed, as a log value and a status counter key: a small closed
 * set, so that an admin can count and grep them. Every one is the client's doing or the
 * table's, never a failure of the daemon.
 */
public enum Failure {
    /** Not done within {@code handshake_timeout}, whatever the client sent meanwhile. */
    TIMEOUT,
    /** The client spoke no TLS at all: plaintext, such as an HTTP request, or noise. */
    NOT_TLS,
    /** SSLv2, SSLv3, TLS 1.0 or 1.1, or a version the service's {@code protocols} leave out. */
    PROTOCOL,
    /** The service requires a client certificate, and none came. */
    NO_CERTIFICATE,
    /** The client's certificate did not pass: an unknown authority, expired, a chain too long. */
    BAD_CERTIFICATE,
    /** No cipher suite, signature scheme or group in common. */
    NO_SHARED_CIPHER,
    /** The client offered ALPN protocols, none of them the service's. */
    ALPN,
    /** The client went away before the handshake ended. */
    CLOSED,
    /** Anything else; the detail holds the JDK's message. */
    OTHER;

    /** As logged and counted: {@code not_tls}, {@code bad_certificate}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The failure an exception of the JDK's TLS engine stands for. JSSE says what went wrong
     * in its messages only (the alert it sent is not exposed), so these are read; the
     * handshake tests hold each against real clients.
     */
    static Failure of(Throwable thrown) {
        var text = new StringBuilder();
        for (var t = thrown; t != null && text.length() < 4096; t = t.getCause()) {
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
        }
        var said = text.toString().toLowerCase(Locale.ROOT);
        if (said.contains("no matching application layer protocol")) {
            return ALPN;
        }
        if (said.contains("empty client certificate chain")) {
            return NO_CERTIFICATE;
        }
        if (said.contains("certificate chain length") || said.contains("certificateexception")
                || said.contains("certpathvalidatorexception") || said.contains("pkix path")
                || said.contains("certificate_unknown") && !said.contains("received fatal alert")
                || said.contains("bad_certificate") && !said.contains("received fatal alert")) {
            return BAD_CERTIFICATE;
        }
        if (said.contains("no cipher suites in common") || said.contains("no available authentication scheme")
                || said.contains("no supported signature") || said.contains("no common named group")
                || said.contains("no key share") || said.contains("insufficient_security")) {
            return NO_SHARED_CIPHER;
        }
        if (said.contains("protocol version") || said.contains("protocol_version")
                || said.contains("not accepted by server preferences") || said.contains("is not enabled or supported")) {
            return PROTOCOL;
        }
        if (said.contains("received close_notify during handshake") || said.contains("user_canceled")
                || said.contains("connection reset") || said.contains("broken pipe")) {
            return CLOSED;
        }
        return OTHER;
    }

    /** The JDK's message for a log: its first line, at most 200 characters. */
    static String detail(Throwable thrown) {
        var message = String.valueOf(thrown.getMessage()).lines().findFirst().orElse("");
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }
}
