package org.jinetd.daemon.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the table, with every default applied.
 *
 * @param name     the key under {@code services:}
 * @param endpoint where it listens
 * @param socket   options of its sockets
 * @param launch   what runs for a connection
 * @param access   who may connect
 * @param limits   how many may be connected at once
 * @param rates    how fast new connections are taken
 * @param timeouts how long a connection may last
 * @param banners  what a client reads first, or on refusal
 * @param tls      the daemon ends TLS for its clients ({@code tls:}); a stream service only
 * @param disabled written {@code disabled: true}: checked, listed, not served
 */
public record Service(String name, Endpoint endpoint, SocketOptions socket, Launch launch, Access access,
                      Limits limits, Rates rates, Timeouts timeouts, Banners banners, Optional<Proxy> proxy,
                      Optional<Tls> tls, boolean disabled) {
    public Service {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(launch, "launch");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(rates, "rates");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(banners, "banners");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(tls, "tls");
    }

    /** The same service, launching {@code other}. */
    Service with(Launch other) {
        return new Service(name, endpoint, socket, other, access, limits, rates, timeouts, banners, proxy, tls, disabled);
    }

    /**
     * What it launches, as check and list show it: with {@code tls:} a program gets plaintext
     * through the bridge, whatever its {@code io:}, and a handler or redirect says it is behind TLS;
     * with {@code proxy:} it says its clients come through balancers.
     */
    public String shownLaunch() {
        var shown = launch.shown();
        if (tls.isPresent()) {
            shown = launch instanceof Launch.Exec exec
                    ? shown.replace(", " + exec.io().key(), ", bridge (tls)")
                    : shown + " (tls)";
        }
        return proxy.isPresent() ? shown + " (behind PROXY)" : shown;
    }

    /**
     * Why {@code defer_accept} keeps this service's clients waiting, if it does: its server
     * speaks first (a banner, a handler that answers at accept or whose provider says it
     * speaks first) and, with neither TLS nor a balancer's header in front, the client has
     * nothing to send before it. A program that speaks first cannot be told from the table.
     */
    public Optional<String> deferredFirstWords() {
        return deferredFirstWords(socket.deferred());
    }

    /** As {@link #deferredFirstWords()}, for a socket that defers {@code deferral}: one from systemd, say. */
    public Optional<String> deferredFirstWords(Duration deferral) {
        if (endpoint.transport() != Transport.TCP || !deferral.isPositive() || tls.isPresent()
                || proxy.isPresent()) {
            return Optional.empty();
        }
        String first;
        if (banners.banner().isPresent()) {
            first = "a banner";
        } else if (!(launch instanceof Launch.Stream stream)) {
            return Optional.empty();
        } else if (stream.reply().isPresent()) {
            first = "handler " + stream.name() + ", which answers at accept";
        } else if (stream.speaksFirst()) {
            first = "handler " + stream.name() + ", which writes before its client sends";
        } else {
            return Optional.empty();
        }
        return Optional.of("defer_accept %ds with %s: the server speaks first, and the kernel hands a connection over"
                .formatted(deferral.toSeconds(), first)
                + " only once its client has sent a byte, so a client that waits to be spoken to waits that long");
    }

    /** How runtime messages name the service first: {@code echo/tcp}, as inetd does. */
    public String label() {
        return name + "/" + endpoint.transport().key();
    }
}
