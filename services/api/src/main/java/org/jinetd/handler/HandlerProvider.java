package org.jinetd.handler;

import java.util.Map;
import java.util.Optional;

/**
 * Makes handlers of one name, found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/org.jinetd.handler.HandlerProvider}. A service that says
 * {@code handler: NAME} gets its handler from the provider of that name, once, when the
 * table is loaded; {@code options} are the service's {@code options:} map, values as text.
 *
 * <p>A provider checks its options and throws {@link OptionException} naming the bad one;
 * {@code jinetd check} shows the message at that option's line and column. A provider
 * that serves only one kind of socket leaves the other method as it is.
 */
public interface HandlerProvider {
    /** {@return the name services use in {@code handler:}} */
    String name();

    /**
     * A handler for stream services (TCP, unix).
     *
     * @param options the service's {@code options:}, values as text
     * @return the handler, or empty if this name has none for streams
     * @throws OptionException naming the option that is missing, unknown or bad
     */
    default Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        return Optional.empty();
    }

    /**
     * A handler for datagram services (UDP).
     *
     * @param options the service's {@code options:}, values as text
     * @return the handler, or empty if this name has none for datagrams
     * @throws OptionException naming the option that is missing, unknown or bad
     */
    default Optional<DatagramHandler> datagram(Map<String, String> options) throws OptionException {
        return Optional.empty();
    }
}
