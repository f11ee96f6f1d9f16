package org.jinetd.daemon.config;

import java.util.Objects;

/**
 * One entry of the table, with every default applied.
 *
 * @param name     the key under {@code services:}
 * @param endpoint where it listens
 * @param launch   what runs for a connection
 * @param access   who may connect
 * @param limits   how many may be connected at once
 * @param disabled written {@code disabled: true}: checked, listed, not served
 */
public record Service(String name, Endpoint endpoint, Launch launch, Access access, Limits limits,
                      boolean disabled) {
    public Service {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(launch, "launch");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(limits, "limits");
    }

    /** How runtime messages name the service first: {@code echo/tcp}, as inetd does. */
    public String label() {
        return name + "/" + endpoint.transport().key();
    }
}
