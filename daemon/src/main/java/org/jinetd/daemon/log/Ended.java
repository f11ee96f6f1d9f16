package org.jinetd.daemon.log;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jinetd.daemon.os.Credentials;

/**
 * How a connection ended: the one line the log gets for it.
 *
 * @param service the service's name
 * @param peer    the client (null for a program in wait mode, which accepts by itself)
 * @param via     the balancer the client came through, where a PROXY header named the client
 * @param who     a unix socket's client: who connected (SO_PEERCRED)
 * @param tls     what its TLS handshake agreed on, where the service has {@code tls:}
 * @param pid     the program's pid, for programs
 * @param exit    its exit status, for programs that exited
 * @param signal  the signal that ended it, for programs that were killed
 * @param reason  why it ended early ({@code timeout}, {@code stop}, ...), if it did
 * @param error   what went wrong, for handlers that threw and spawns that failed
 * @param trace   where a handler threw: its stack trace ({@link LogText#trace}), one quoted value of the line
 * @param took    from accept to the end
 */
public record Ended(String service, SocketAddress peer, Optional<SocketAddress> via, Optional<Credentials> who,
                    Optional<Tls> tls, OptionalLong pid,
                    OptionalLong exit, Optional<String> signal,
                    Optional<String> reason, Optional<String> error, Optional<String> trace,
                    Duration took) {
    public Ended {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(tls, "tls");
    }

    public String line() {
        var b = new StringBuilder(96).append("service=").append(service).append(" peer=")
                .append(LogText.quoted(Peers.shown(peer)));
        via.ifPresent(v -> b.append(" via=").append(LogText.quoted(Peers.shown(v))));
        who.ifPresent(w -> b.append(credentials(w)));
        tls.ifPresent(t -> {
            b.append(" tls=").append(LogText.quoted(t.protocol())).append(" cipher=").append(LogText.quoted(t.cipher()));
            t.sni().ifPresent(s -> b.append(" sni=").append(LogText.quoted(s)));
            if (t.resumed()) {
                b.append(" resumed=yes");
            }
        });
        pid.ifPresent(p -> b.append(" pid=").append(p));
        exit.ifPresent(e -> b.append(" exit=").append(e));
        signal.ifPresent(s -> b.append(" signal=").append(s));
        reason.ifPresent(r -> b.append(" reason=").append(r));
        error.ifPresent(e -> b.append(" error=").append(LogText.quoted(e)));
        trace.ifPresent(t -> b.append(" trace=").append(LogText.quoted(t)));
        // Milliseconds as seconds with three decimals, without String.format on every connection.
        long millis = took.toMillis();
        b.append(" duration=").append(millis / 1000).append('.');
        long fraction = millis % 1000;
        if (fraction < 100) {
            b.append(fraction < 10 ? "00" : "0");
        }
        return b.append(fraction).append('s').toString();
    }

    /** {@code " uid=1000 gid=1000"}: whom a unix socket's client runs as, the line's fields after {@code peer=}. */
    static String credentials(Credentials who) {
        return " uid=" + Integer.toUnsignedString(who.uid()) + " gid=" + Integer.toUnsignedString(who.gid());
    }

    /** What a TLS handshake agreed on, as the line shows it: the client's SNI name is its text, quoted. */
    public record Tls(String protocol, String cipher, Optional<String> sni, boolean resumed) {}
}
